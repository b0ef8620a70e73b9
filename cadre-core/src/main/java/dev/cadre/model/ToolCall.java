package dev.cadre.model;

import java.util.Objects;

/**
 * A function call the model asked for.
 *
 * @param id the provider's call id, echoed back with the result
 * @param name the function's name
 * @param arguments the arguments as the model wrote them: a JSON object, possibly malformed
 */
public record ToolCall(String id, String name, String arguments) {
    public ToolCall {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(arguments, "arguments");
    }
}
