package dev.cadre.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a model is asked: the conversation so far, the tools it may call, and the shape its answer must have.
 *
 * @param messages the conversation, oldest first; usually starts with a system message
 * @param tools the functions the model may call in this turn; empty for none
 * @param outputSchema when present, the final answer must be JSON of this schema: a model passes it to its
 *     provider natively (and may still call tools first); the engine checks the answer
 */
public record ModelRequest(List<Message> messages, List<ToolDefinition> tools, Optional<OutputSchema> outputSchema) {
    public ModelRequest {
        messages = List.copyOf(Objects.requireNonNull(messages, "messages"));
        tools = List.copyOf(Objects.requireNonNull(tools, "tools"));
        outputSchema = outputSchema == null ? Optional.empty() : outputSchema;
    }

    /** A request for a free-text answer. */
    public ModelRequest(List<Message> messages, List<ToolDefinition> tools) {
        this(messages, tools, Optional.empty());
    }
}
