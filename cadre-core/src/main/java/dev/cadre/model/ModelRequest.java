package dev.cadre.model;

import java.util.List;
import java.util.Objects;

/**
 * What a model is asked: the conversation so far and the tools it may call.
 *
 * @param messages the conversation, oldest first; usually starts with a system message
 * @param tools the functions the model may call in this turn; empty for none
 */
public record ModelRequest(List<Message> messages, List<ToolDefinition> tools) {
    public ModelRequest {
        messages = List.copyOf(Objects.requireNonNull(messages, "messages"));
        tools = List.copyOf(Objects.requireNonNull(tools, "tools"));
    }
}
