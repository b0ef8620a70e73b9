package dev.cadre.model;

import java.util.List;
import java.util.Objects;

/**
 * One complete assistant turn.
 *
 * @param content the assistant's text; empty when it only called tools
 * @param toolCalls the tools it called, in order; empty when it answered
 * @param usage token usage of the call
 */
public record ModelResponse(String content, List<ToolCall> toolCalls, Usage usage) {
    public ModelResponse {
        Objects.requireNonNull(content, "content");
        toolCalls = List.copyOf(Objects.requireNonNull(toolCalls, "toolCalls"));
        Objects.requireNonNull(usage, "usage");
    }

    public static ModelResponse text(String content) {
        return new ModelResponse(content, List.of(), Usage.NONE);
    }
}
