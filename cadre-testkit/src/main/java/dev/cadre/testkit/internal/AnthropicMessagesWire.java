package dev.cadre.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cadre.testkit.FakeToolCall;
import dev.cadre.testkit.FakeUsage;
import dev.cadre.testkit.Reply;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Renders a scripted completion in Anthropic's Messages API wire format: the {@code message} body, and the
 * event stream {@code message_start}, {@code ping}, {@code content_block_start} / {@code _delta} /
 * {@code _stop} per block (thinking with {@code thinking_delta} and {@code signature_delta}, text with
 * {@code text_delta}, tool_use with {@code input_json_delta}), {@code message_delta} with the stop reason and
 * output tokens, {@code message_stop}. Not public API.
 */
public final class AnthropicMessagesWire {

    /** What the real API says in an {@code overloaded_error}. */
    public static final String OVERLOADED = "Overloaded";

    private AnthropicMessagesWire() {
    }

    /** A tool call with its Anthropic id ({@code toolu_…}) and streamed fragments. */
    private record Use(String id, String name, String arguments, List<String> fragments) {
    }

    private static List<Use> uses(Turn t) {
        List<Use> out = new ArrayList<>();
        for (int i = 0; i < t.calls.size(); i++) {
            FakeToolCall scripted = t.reply.toolCalls().get(i);
            Turn.Call c = t.calls.get(i);
            out.add(new Use(scripted.id().orElse("toolu_" + t.suffix + "_" + i), c.name(), c.arguments(),
                    c.fragments()));
        }
        return out;
    }

    /** The SSE steps of a streamed answer. */
    public static List<Step> stream(Reply.Completion reply, JsonNode request) {
        Turn t = new Turn(reply, request);
        List<Step> steps = new ArrayList<>();
        int[] token = {0};
        ObjectNode start = message(t, false);
        steps.add(write("message_start", Json.object().put("type", "message_start").set("message", start)));
        steps.add(write("ping", Json.object().put("type", "ping")));
        int index = 0;
        if (!reply.thinking().isEmpty()) {
            ObjectNode block = Json.object().put("type", "thinking").put("thinking", "").put("signature", "");
            steps.add(blockStart(index, block));
            for (String chunk : reply.thinking()) {
                steps.add(token(t, token, blockDelta(index, Json.object().put("type", "thinking_delta")
                        .put("thinking", chunk))));
            }
            steps.add(write("content_block_delta", blockDeltaEvent(index, Json.object().put("type", "signature_delta")
                    .put("signature", signature(String.join("", reply.thinking()))))));
            steps.add(blockStop(index++));
        }
        if (!reply.textChunks().isEmpty() || t.calls.isEmpty() && reply.thinking().isEmpty()) {
            steps.add(blockStart(index, Json.object().put("type", "text").put("text", "")));
            for (String chunk : reply.textChunks()) {
                steps.add(token(t, token, blockDelta(index,
                        Json.object().put("type", "text_delta").put("text", chunk))));
            }
            steps.add(blockStop(index++));
        }
        for (Use use : uses(t)) {
            ObjectNode block = Json.object().put("type", "tool_use").put("id", use.id()).put("name", use.name());
            block.putObject("input");
            steps.add(blockStart(index, block));
            // The real API opens every tool_use block with an empty piece.
            steps.add(write("content_block_delta", blockDeltaEvent(index, Json.object().put("type", "input_json_delta")
                    .put("partial_json", ""))));
            for (String fragment : use.fragments()) {
                steps.add(token(t, token, blockDelta(index, Json.object().put("type", "input_json_delta")
                        .put("partial_json", fragment))));
            }
            steps.add(blockStop(index++));
        }
        ObjectNode delta = Json.object().put("type", "message_delta");
        delta.putObject("delta").put("stop_reason", stopReason(t)).putNull("stop_sequence");
        delta.putObject("usage").put("output_tokens", t.usage.outputTokens());
        steps.add(write("message_delta", delta));
        String stop = Sse.event("message_stop", Json.object().put("type", "message_stop"));
        return t.finish(steps, stop, Sse.event("error", errorBody("overloaded_error", OVERLOADED, null)));
    }

    /** How long a non-streamed answer takes before its body is sent: as long as streaming it would. */
    public static Duration delay(Reply.Completion reply) {
        int tokens = reply.thinking().size() + reply.textChunks().size();
        for (FakeToolCall c : reply.toolCalls()) {
            tokens += Math.min(c.fragments(), Math.max(1, c.arguments().length()));
        }
        Duration d = reply.firstTokenDelay();
        return tokens > 1 ? d.plus(reply.chunkDelay().multipliedBy(tokens - 1L)) : d;
    }

    /** The {@code message} body of a non-streamed answer. */
    public static JsonNode body(Reply.Completion reply, JsonNode request) {
        return message(new Turn(reply, request), true);
    }

    /**
     * Anthropic's error body {@code {"type":"error","error":{"type","message"},"request_id"}}.
     *
     * @param requestId null to leave it out (errors inside a stream have none)
     */
    public static ObjectNode errorBody(String type, String message, String requestId) {
        ObjectNode body = Json.object().put("type", "error");
        body.putObject("error").put("type", type).put("message", message);
        if (requestId != null) {
            body.put("request_id", requestId);
        }
        return body;
    }

    /** The {@code error.type} for an HTTP status, unless {@code given} already is one of Anthropic's. */
    public static String errorType(int status, String given) {
        if (given != null && given.endsWith("_error") && !given.equals("server_error")) {
            return given;
        }
        return switch (status) {
            case 400 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 402 -> "billing_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 504 -> "timeout_error";
            case 529 -> "overloaded_error";
            default -> "api_error";
        };
    }

    /** The signature the fake gives a thinking text: opaque to clients, but the same for the same text. */
    public static String signature(String thinking) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(("cadre-fake-thinking:" + thinking)
                    .getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static ObjectNode message(Turn t, boolean done) {
        ObjectNode m = Json.object().put("id", "msg_" + t.suffix).put("type", "message").put("role", "assistant")
                .put("model", t.model);
        ArrayNode content = m.putArray("content");
        if (done) {
            if (!t.reply.thinking().isEmpty()) {
                String thinking = String.join("", t.reply.thinking());
                content.addObject().put("type", "thinking").put("thinking", thinking).put("signature",
                        signature(thinking));
            }
            if (!t.reply.textChunks().isEmpty() || t.calls.isEmpty() && t.reply.thinking().isEmpty()) {
                content.addObject().put("type", "text").put("text", t.reply.text());
            }
            for (Use use : uses(t)) {
                ObjectNode block = content.addObject().put("type", "tool_use").put("id", use.id())
                        .put("name", use.name());
                JsonNode input = Json.parseOrMissing(use.arguments());
                block.set("input", input.isObject() ? input : Json.object());
            }
            m.put("stop_reason", stopReason(t));
        } else {
            m.putNull("stop_reason");
        }
        m.putNull("stop_sequence");
        m.set("usage", usage(t.usage, done ? t.usage.outputTokens() : 1));
        return m;
    }

    private static ObjectNode usage(FakeUsage u, long outputTokens) {
        return Json.object().put("input_tokens", u.inputTokens())
                .put("cache_creation_input_tokens", u.cacheWriteTokens())
                .put("cache_read_input_tokens", u.cachedTokens())
                .put("output_tokens", outputTokens);
    }

    private static String stopReason(Turn t) {
        if (!t.calls.isEmpty()) {
            return "tool_use";
        }
        return t.reply.refusal() ? "refusal" : "end_turn";
    }

    private static Step write(String event, JsonNode data) {
        return new Step.Write(Duration.ZERO, Sse.event(event, data), false);
    }

    private static Step token(Turn t, int[] token, String sse) {
        return new Step.Write(t.tokenDelay(token[0]++), t.tokenText(sse), true);
    }

    private static Step blockStart(int index, ObjectNode block) {
        return write("content_block_start", Json.object().put("type", "content_block_start").put("index", index)
                .set("content_block", block));
    }

    private static String blockDelta(int index, ObjectNode delta) {
        return Sse.event("content_block_delta", blockDeltaEvent(index, delta));
    }

    private static ObjectNode blockDeltaEvent(int index, ObjectNode delta) {
        return (ObjectNode) Json.object().put("type", "content_block_delta").put("index", index).set("delta", delta);
    }

    private static Step blockStop(int index) {
        return write("content_block_stop", Json.object().put("type", "content_block_stop").put("index", index));
    }
}
