package dev.cadre.tool;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Names and describes a parameter of a {@link ToolFunction} method, or a component of an argument record. */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.PARAMETER, ElementType.RECORD_COMPONENT})
public @interface ToolParam {

    /** The argument's name; defaults to the parameter's name. */
    String name() default "";

    /** What the argument means, for the model. */
    String description() default "";

    /** Whether the model must give it; {@code Optional} parameters are never required. */
    boolean required() default true;
}
