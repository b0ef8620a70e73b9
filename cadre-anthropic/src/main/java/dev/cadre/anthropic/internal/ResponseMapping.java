package dev.cadre.anthropic.internal;

import com.anthropic.core.JsonValue;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.RedactedThinkingBlockParam;
import com.anthropic.models.messages.ThinkingBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.model.ModelResponse;
import dev.cadre.model.ToolCall;
import dev.cadre.model.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Maps a whole Messages API answer to a Cadre {@link ModelResponse}. Not public API. */
public final class ResponseMapping {

    private ResponseMapping() {
    }

    /**
     * The answer's text (or, when it used the output tool, that tool's input JSON), tool calls, thinking
     * as reasoning content, usage and id. The turn's thinking blocks are kept in {@code cache} for the next
     * call when it called tools.
     */
    public static ModelResponse response(Message message, Optional<OutputTool> output, ThinkingCache cache) {
        StringBuilder text = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        List<ToolCall> calls = new ArrayList<>();
        List<ContentBlockParam> thinking = new ArrayList<>();
        String answer = null;
        for (ContentBlock block : message.content()) {
            if (block.isText()) {
                text.append(block.asText().text());
            } else if (block.isThinking()) {
                reasoning.append(block.asThinking().thinking());
                thinking.add(ContentBlockParam.ofThinking(ThinkingBlockParam.builder()
                        .thinking(block.asThinking().thinking()).signature(block.asThinking().signature()).build()));
            } else if (block.isRedactedThinking()) {
                thinking.add(ContentBlockParam.ofRedactedThinking(RedactedThinkingBlockParam.builder()
                        .data(block.asRedactedThinking().data()).build()));
            } else if (block.isToolUse()) {
                ToolUseBlock use = block.asToolUse();
                if (output.isPresent() && output.get().name().equals(use.name())) {
                    answer = json(use._input());
                } else {
                    calls.add(new ToolCall(use.id(), use.name(), json(use._input())));
                }
            }
        }
        cache.remember(calls.stream().map(ToolCall::id).toList(), thinking);
        var u = message.usage();
        Usage usage = usage(u.inputTokens(), u.outputTokens(), u.cacheReadInputTokens().orElse(0L),
                u.cacheCreationInputTokens().orElse(0L));
        return new ModelResponse(answer != null ? answer : text.toString(), calls, usage,
                Map.of("id", message.id()), reasoning.toString());
    }

    /**
     * Anthropic's counts as Cadre's, as Agno keeps them: {@code input_tokens} are the uncached input only, the
     * total is input plus output, and cache reads and writes are counted apart.
     */
    static Usage usage(long input, long output, long cacheRead, long cacheWrite) {
        return new Usage(input, output, input + output, cacheRead, 0, cacheWrite);
    }

    /** A tool's input as JSON text; {@code {}} when the server sent none. */
    static String json(JsonValue input) {
        JsonNode node = input.convert(JsonNode.class);
        return node == null || node.isMissingNode() || node.isNull() ? "{}" : node.toString();
    }
}
