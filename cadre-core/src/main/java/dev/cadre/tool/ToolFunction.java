package dev.cadre.tool;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method as a tool for {@link Tools#fromMethods(Object)}. The method's parameters become the
 * tool's arguments (records, enums, lists and maps included); a {@link dev.cadre.run.RunContext}
 * parameter is passed the calling run's context instead. Parameter names come from {@link ToolParam}
 * or, when the code is compiled with {@code -parameters}, from the method itself.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface ToolFunction {

    /** The tool's name; defaults to the method name in snake_case. */
    String name() default "";

    /** What the tool does, for the model. */
    String description();
}
