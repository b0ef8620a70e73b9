package dev.cadre.anthropic.internal;

import dev.cadre.model.OutputSchema;
import java.util.List;
import java.util.Objects;

/**
 * Structured output on the Messages API: a synthetic tool whose input schema is the answer's schema. The
 * model "calls" it with the answer; the call's input JSON is then handed on as the turn's text (never as a
 * tool call), which the engine parses and checks against the schema. Not public API.
 *
 * @param name the tool's name: the schema's, unless a real tool of the request has that name
 */
public record OutputTool(String name, OutputSchema schema) {

    static final String DESCRIPTION = "Gives the final answer. Call this tool once, when you have the answer, "
            + "with the whole answer as its input.";

    public OutputTool {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(schema, "schema");
    }

    static OutputTool of(OutputSchema schema, List<String> toolNames) {
        String name = schema.name();
        if (toolNames.contains(name)) {
            String prefixed = "final_answer_" + name;
            name = prefixed.length() <= 64 ? prefixed : prefixed.substring(0, 64);
        }
        return new OutputTool(name, schema);
    }

    /** What the system prompt says when the tool cannot be forced (other tools are offered, or thinking). */
    String instruction() {
        return "When you have the final answer, do not write it as text: call the tool `" + name
                + "` with the whole answer as its input.";
    }
}
