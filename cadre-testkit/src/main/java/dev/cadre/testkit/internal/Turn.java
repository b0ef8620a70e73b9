package dev.cadre.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.testkit.FakeToolCall;
import dev.cadre.testkit.FakeUsage;
import dev.cadre.testkit.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A scripted completion resolved against the request it answers: ids fixed, arguments cut into
 * fragments, usage decided. Both wire renderers read from it, so Chat and Responses tell the same
 * story. Not public API.
 */
final class Turn {

    private static final AtomicLong SEQ = new AtomicLong();

    final Reply.Completion reply;
    final JsonNode request;
    final String model;
    final long created;
    final String suffix;
    final List<Call> calls;
    final FakeUsage usage;

    record Call(String id, String itemId, String name, String arguments, List<String> fragments) {
    }

    Turn(Reply.Completion reply, JsonNode request) {
        this.reply = reply;
        this.request = request;
        this.model = request.path("model").asText("fake-model");
        this.created = System.currentTimeMillis() / 1000;
        long n = SEQ.incrementAndGet();
        this.suffix = String.format("cadre%08x%08d", created, n);
        List<Call> resolved = new ArrayList<>();
        int i = 0;
        for (FakeToolCall c : reply.toolCalls()) {
            String id = c.id().orElse("call_" + suffix + "_" + i);
            resolved.add(new Call(id, "fc_" + suffix + "_" + i, c.name(), c.arguments(),
                    split(c.arguments(), c.fragments())));
            i++;
        }
        this.calls = List.copyOf(resolved);
        this.usage = reply.usage().orElseGet(() -> estimateUsage(request, tokenCount()));
    }

    int tokenCount() {
        int n = reply.textChunks().size();
        for (Call c : calls) {
            n += c.fragments.size();
        }
        return n;
    }

    boolean hasText() {
        return !reply.textChunks().isEmpty();
    }

    /** Delay before the {@code k}-th token (0-based). */
    Duration tokenDelay(int k) {
        return k == 0 ? reply.firstTokenDelay() : reply.chunkDelay();
    }

    /** How long a non-streamed answer takes: as long as streaming it would. */
    Duration totalDelay() {
        int n = tokenCount();
        Duration d = reply.firstTokenDelay();
        if (n > 1) {
            d = d.plus(reply.chunkDelay().multipliedBy(n - 1L));
        }
        return d;
    }

    /**
     * Applies the reply's ending to a full list of steps: cuts after the N-th token for an abrupt
     * close or a stream error, or drops the terminator.
     */
    List<Step> finish(List<Step> steps, String terminator, String errorEvent) {
        List<Step> out = new ArrayList<>();
        switch (reply.ending()) {
            case COMPLETE -> {
                out.addAll(steps);
                if (terminator != null) {
                    out.add(new Step.Write(Duration.ZERO, terminator, false));
                }
                out.add(new Step.End(Duration.ZERO));
            }
            case NO_TERMINATOR -> {
                out.addAll(steps);
                out.add(new Step.End(Duration.ZERO));
            }
            case ABRUPT_CLOSE, STREAM_ERROR, STALL -> {
                int tokens = 0;
                for (Step s : steps) {
                    if (s instanceof Step.Write w && w.token()) {
                        if (tokens == reply.endAfterChunks()) {
                            break;
                        }
                        tokens++;
                    }
                    out.add(s);
                }
                if (reply.ending() == Reply.Ending.ABRUPT_CLOSE) {
                    out.add(new Step.Reset(reply.chunkDelay()));
                } else if (reply.ending() == Reply.Ending.STALL) {
                    out.add(new Step.Hold(Duration.ZERO));
                } else {
                    out.add(new Step.Write(reply.chunkDelay(), errorEvent, false));
                    out.add(new Step.End(Duration.ZERO));
                }
            }
        }
        return out;
    }

    String tokenText(String sse) {
        return reply.keepAliveComments() ? Sse.KEEP_ALIVE + sse : sse;
    }

    static final String SERVER_ERROR_MESSAGE =
            "The server had an error while processing your request. Sorry about that!";

    private static List<String> split(String s, int n) {
        List<String> out = new ArrayList<>();
        int len = s.length();
        if (len == 0) {
            out.add("");
            return out;
        }
        int parts = Math.min(n, len);
        for (int i = 0; i < parts; i++) {
            out.add(s.substring(len * i / parts, len * (i + 1) / parts));
        }
        return out;
    }

    private static FakeUsage estimateUsage(JsonNode request, int outputTokens) {
        // About four characters per token, like the rule of thumb for English text.
        JsonNode input = request.has("messages") ? request.get("messages") : request.path("input");
        long in = Math.max(1, Json.write(input).length() / 4);
        return FakeUsage.of(in, outputTokens);
    }
}
