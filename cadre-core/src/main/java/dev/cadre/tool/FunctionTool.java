package dev.cadre.tool;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import dev.cadre.model.ToolDefinition;
import dev.cadre.run.RunContext;
import java.util.Objects;

/**
 * A {@link Tool} made from a lambda.
 *
 * <pre>{@code
 * record WeatherArgs(@ToolParam(description = "City name") String city) {}
 * Tool weather = FunctionTool.of("get_weather", "Current weather in a city", WeatherArgs.class,
 *         (args, ctx) -> "sunny in " + args.city());
 * }</pre>
 *
 * <p>The arguments' JSON schema is generated from the argument type; the model's JSON is bound to
 * it with Jackson. What the handler returns becomes the result text: strings as they are, other
 * values as JSON.
 */
public final class FunctionTool implements Tool {

    /** The body of a tool. May block; see {@link Tool} for threading and cancellation. */
    @FunctionalInterface
    public interface Handler<A> {
        Object apply(A arguments, RunContext context) throws Exception;
    }

    /** The body of a tool without arguments. */
    @FunctionalInterface
    public interface Body {
        Object apply(RunContext context) throws Exception;
    }

    /** Binds model arguments to Java values. Plain names: a tool's arguments are named as in the schema. */
    static final ObjectMapper ARGUMENTS = JsonMapper.builder()
            .addModule(new Jdk8Module())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final ToolDefinition definition;
    private final Handler<JsonNode> handler;

    private FunctionTool(ToolDefinition definition, Handler<JsonNode> handler) {
        this.definition = definition;
        this.handler = handler;
    }

    /** A tool whose arguments are bound to {@code argumentsType} (usually a record). */
    public static <A> FunctionTool of(String name, String description, Class<A> argumentsType, Handler<A> handler) {
        Objects.requireNonNull(handler, "handler");
        ToolDefinition def = new ToolDefinition(checkName(name), description, JsonSchemas.of(argumentsType));
        return new FunctionTool(def, (json, ctx) -> handler.apply(bind(json, argumentsType, name), ctx));
    }

    /** A tool with a hand-written JSON schema that receives the raw arguments. */
    public static FunctionTool ofJson(String name, String description, JsonNode parametersSchema,
            Handler<JsonNode> handler) {
        Objects.requireNonNull(handler, "handler");
        return new FunctionTool(new ToolDefinition(checkName(name), description, parametersSchema), handler);
    }

    /** A tool without arguments. */
    public static FunctionTool of(String name, String description, Body body) {
        Objects.requireNonNull(body, "body");
        return new FunctionTool(new ToolDefinition(checkName(name), description, JsonSchemas.emptyObject()),
                (json, ctx) -> body.apply(ctx));
    }

    @Override
    public ToolDefinition definition() {
        return definition;
    }

    @Override
    public String call(JsonNode arguments, RunContext context) throws Exception {
        return resultText(handler.apply(arguments, context));
    }

    static <A> A bind(JsonNode json, Class<A> type, String toolName) {
        try {
            return ARGUMENTS.treeToValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Invalid arguments for " + toolName + ": " + e.getOriginalMessage());
        }
    }

    static String resultText(Object result) throws JsonProcessingException {
        return switch (result) {
            case null -> "";
            case CharSequence s -> s.toString();
            case Number n -> n.toString();
            case Boolean b -> b.toString();
            default -> ARGUMENTS.writeValueAsString(result);
        };
    }

    static String checkName(String name) {
        if (name == null || !name.matches("[a-zA-Z0-9_-]{1,64}")) {
            throw new IllegalArgumentException("Tool name '" + name + "' must be 1 to 64 letters, digits, '_' or '-'"
                    + " (the model APIs reject other names)");
        }
        return name;
    }
}
