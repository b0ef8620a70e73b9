package dev.cadre.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One complete assistant turn.
 *
 * @param content the assistant's text; empty when it only called tools
 * @param toolCalls the tools it called, in order; empty when it answered
 * @param usage token usage of the call
 * @param providerData what the provider said about the response as a whole, for example its id
 *     ({@code response_id} for OpenAI's Responses API, {@code id} for Chat Completions); empty when
 *     it said nothing. Runs report it as {@code model_provider_data}.
 * @param reasoningContent the model's visible reasoning (Anthropic's extended thinking, Gemini's thought
 *     summaries), kept apart from the answer; empty when it showed none. Runs report it as
 *     {@code reasoning_content}.
 */
public record ModelResponse(String content, List<ToolCall> toolCalls, Usage usage, Map<String, String> providerData,
        String reasoningContent) {
    public ModelResponse {
        Objects.requireNonNull(content, "content");
        reasoningContent = reasoningContent == null ? "" : reasoningContent;
        toolCalls = List.copyOf(Objects.requireNonNull(toolCalls, "toolCalls"));
        Objects.requireNonNull(usage, "usage");
        providerData = copyProviderData(providerData);
    }

    /** A turn without visible reasoning. */
    public ModelResponse(String content, List<ToolCall> toolCalls, Usage usage, Map<String, String> providerData) {
        this(content, toolCalls, usage, providerData, "");
    }

    /** A turn the provider said nothing else about. */
    public ModelResponse(String content, List<ToolCall> toolCalls, Usage usage) {
        this(content, toolCalls, usage, Map.of());
    }

    public static ModelResponse text(String content) {
        return new ModelResponse(content, List.of(), Usage.NONE);
    }

    /**
     * An unmodifiable copy of provider data that keeps its order, so that its JSON is the same every
     * time; empty for {@code null}.
     */
    public static Map<String, String> copyProviderData(Map<String, String> data) {
        return data == null || data.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(data));
    }
}
