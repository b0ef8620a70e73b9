package dev.cadre.anthropic.internal;

import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.MessageDeltaUsage;
import com.anthropic.models.messages.RawContentBlockDelta;
import com.anthropic.models.messages.RawContentBlockStartEvent;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.RedactedThinkingBlockParam;
import com.anthropic.models.messages.ThinkingBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import dev.cadre.model.ModelDelta;
import dev.cadre.model.ModelException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Turns the events of one streamed Messages API answer into Cadre deltas, in order, as they arrive. Not
 * public API; one instance per attempt, used by one thread.
 *
 * <ul>
 *   <li>{@code text_delta} → {@link ModelDelta.Text}; {@code thinking_delta} → {@link ModelDelta.Reasoning}.</li>
 *   <li>Each {@code tool_use} block → a tool call of its own index: id and name from
 *       {@code content_block_start}, then its {@code input_json_delta} pieces.</li>
 *   <li>The output tool's input pieces → {@link ModelDelta.Text}; text written beside it is dropped, as the
 *       answer is the JSON alone. Without the output tool, that text is handed on at the end.</li>
 *   <li>Usage: input and cache counts from {@code message_start}, output tokens from {@code message_delta}
 *       (both cumulative), reported once at {@code message_stop}.</li>
 * </ul>
 */
public final class StreamTurn {

    private enum Kind { TEXT, THINKING, TOOL, OUTPUT, OTHER }

    private final Consumer<ModelDelta> deltas;
    private final Optional<OutputTool> output;
    private final ThinkingCache cache;
    private final String baseUrl;

    private final Map<Long, Kind> blocks = new HashMap<>();
    private final Map<Long, Integer> toolIndex = new HashMap<>();
    private final Map<Long, StringBuilder> thinkingText = new HashMap<>();
    private final Map<Long, StringBuilder> signatures = new HashMap<>();
    private final List<ContentBlockParam> thinking = new ArrayList<>();
    private final List<String> toolUseIds = new ArrayList<>();
    private final StringBuilder heldText = new StringBuilder();
    private boolean outputSeen;
    private boolean outputHadInput;
    private long inputTokens;
    private long outputTokens;
    private long cacheRead;
    private long cacheWrite;
    private boolean stopped;

    public StreamTurn(Consumer<ModelDelta> deltas, Optional<OutputTool> output, ThinkingCache cache,
            String baseUrl) {
        this.deltas = deltas;
        this.output = output;
        this.cache = cache;
        this.baseUrl = baseUrl;
    }

    public void handle(RawMessageStreamEvent event) {
        if (event.isMessageStart()) {
            var message = event.asMessageStart().message();
            deltas.accept(ModelDelta.ProviderData.of("id", message.id()));
            var u = message.usage();
            inputTokens = u.inputTokens();
            outputTokens = u.outputTokens();
            cacheRead = u.cacheReadInputTokens().orElse(0L);
            cacheWrite = u.cacheCreationInputTokens().orElse(0L);
        } else if (event.isContentBlockStart()) {
            start(event.asContentBlockStart());
        } else if (event.isContentBlockDelta()) {
            var d = event.asContentBlockDelta();
            delta(d.index(), d.delta());
        } else if (event.isContentBlockStop()) {
            stop(event.asContentBlockStop().index());
        } else if (event.isMessageDelta()) {
            usage(event.asMessageDelta().usage());
        } else if (event.isMessageStop()) {
            finish();
        }
    }

    private void start(RawContentBlockStartEvent e) {
        long i = e.index();
        RawContentBlockStartEvent.ContentBlock block = e.contentBlock();
        if (block.isText()) {
            blocks.put(i, Kind.TEXT);
            text(block.asText().text());
        } else if (block.isThinking()) {
            blocks.put(i, Kind.THINKING);
            thinkingText.put(i, new StringBuilder(block.asThinking().thinking()));
            signatures.put(i, new StringBuilder(block.asThinking().signature()));
            reasoning(block.asThinking().thinking());
        } else if (block.isRedactedThinking()) {
            blocks.put(i, Kind.OTHER);
            thinking.add(ContentBlockParam.ofRedactedThinking(RedactedThinkingBlockParam.builder()
                    .data(block.asRedactedThinking().data()).build()));
        } else if (block.isToolUse()) {
            ToolUseBlock use = block.asToolUse();
            if (output.isPresent() && output.get().name().equals(use.name())) {
                blocks.put(i, Kind.OUTPUT);
                outputSeen = true;
            } else {
                blocks.put(i, Kind.TOOL);
                int index = toolIndex.size();
                toolIndex.put(i, index);
                toolUseIds.add(use.id());
                deltas.accept(new ModelDelta.ToolCallFragment(index, Optional.of(use.id()), Optional.of(use.name()),
                        ""));
            }
        } else {
            // Server tools and their results: Cadre runs its own tools only.
            blocks.put(i, Kind.OTHER);
        }
    }

    private void delta(long i, RawContentBlockDelta d) {
        Kind kind = blocks.getOrDefault(i, Kind.OTHER);
        if (d.isText() && kind == Kind.TEXT) {
            text(d.asText().text());
        } else if (d.isThinking() && kind == Kind.THINKING) {
            thinkingText.get(i).append(d.asThinking().thinking());
            reasoning(d.asThinking().thinking());
        } else if (d.isSignature() && kind == Kind.THINKING) {
            signatures.get(i).append(d.asSignature().signature());
        } else if (d.isInputJson() && kind == Kind.TOOL) {
            String piece = d.asInputJson().partialJson();
            if (!piece.isEmpty()) {
                deltas.accept(new ModelDelta.ToolCallFragment(toolIndex.get(i), Optional.empty(), Optional.empty(),
                        piece));
            }
        } else if (d.isInputJson() && kind == Kind.OUTPUT) {
            String piece = d.asInputJson().partialJson();
            if (!piece.isEmpty()) {
                outputHadInput = true;
                deltas.accept(new ModelDelta.Text(piece));
            }
        }
    }

    private void stop(long i) {
        Kind kind = blocks.getOrDefault(i, Kind.OTHER);
        if (kind == Kind.THINKING) {
            thinking.add(ContentBlockParam.ofThinking(ThinkingBlockParam.builder()
                    .thinking(thinkingText.get(i).toString()).signature(signatures.get(i).toString()).build()));
        } else if (kind == Kind.OUTPUT && !outputHadInput) {
            deltas.accept(new ModelDelta.Text("{}"));
            outputHadInput = true;
        }
    }

    private void usage(MessageDeltaUsage u) {
        outputTokens = u.outputTokens();
        u.inputTokens().ifPresent(n -> inputTokens = n);
        u.cacheReadInputTokens().ifPresent(n -> cacheRead = n);
        u.cacheCreationInputTokens().ifPresent(n -> cacheWrite = n);
    }

    private void finish() {
        stopped = true;
        if (!outputSeen && !heldText.isEmpty()) {
            deltas.accept(new ModelDelta.Text(heldText.toString()));
        }
        cache.remember(toolUseIds, thinking);
        deltas.accept(new ModelDelta.UsageReport(
                ResponseMapping.usage(inputTokens, outputTokens, cacheRead, cacheWrite)));
    }

    private void text(String text) {
        if (text.isEmpty()) {
            return;
        }
        if (output.isPresent()) {
            // Held back until the end: if the model gives its answer through the output tool, this text is not
            // part of it.
            heldText.append(text);
        } else {
            deltas.accept(new ModelDelta.Text(text));
        }
    }

    private void reasoning(String text) {
        if (!text.isEmpty()) {
            deltas.accept(new ModelDelta.Reasoning(text));
        }
    }

    /** Fails when the stream ended without {@code message_stop}. */
    public void end() {
        if (!stopped) {
            throw new ModelException("The stream from " + baseUrl
                    + " ended before the answer was complete (no message_stop).", "incomplete_stream", null);
        }
    }
}
