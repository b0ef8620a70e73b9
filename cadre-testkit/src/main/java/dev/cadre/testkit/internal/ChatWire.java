package dev.cadre.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cadre.testkit.FakeUsage;
import dev.cadre.testkit.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders a scripted completion in the Chat Completions wire format ({@code chat.completion} and
 * {@code chat.completion.chunk}), following the recorded transcripts of the real API. Not public API.
 */
public final class ChatWire {

    private ChatWire() {
    }

    /** The SSE steps of a streamed answer. */
    public static List<Step> stream(Reply.Completion reply, JsonNode request) {
        Turn t = new Turn(reply, request);
        boolean includeUsage = request.path("stream_options").path("include_usage").asBoolean(false);
        List<Step> steps = new ArrayList<>();
        int token = 0;
        boolean first = true;
        String field = reply.refusal() ? "refusal" : "content";
        if (t.hasText() || t.calls.isEmpty()) {
            ObjectNode delta = Json.object().put("role", "assistant");
            if (reply.refusal()) {
                delta.putNull("content").put("refusal", "");
            } else {
                delta.put("content", "").putNull("refusal");
            }
            steps.add(new Step.Write(Duration.ZERO, Sse.data(chunk(t, delta, null, includeUsage)), false));
            first = false;
        }
        for (String text : reply.textChunks()) {
            ObjectNode delta = Json.object().put(field, text);
            steps.add(new Step.Write(t.tokenDelay(token++), t.tokenText(Sse.data(chunk(t, delta, null, includeUsage))),
                    true));
        }
        for (int i = 0; i < t.calls.size(); i++) {
            Turn.Call c = t.calls.get(i);
            ObjectNode header = Json.object().put("index", i).put("id", c.id()).put("type", "function");
            header.putObject("function").put("name", c.name()).put("arguments", "");
            ObjectNode delta = Json.object();
            if (first) {
                delta.put("role", "assistant").putNull("content");
            }
            delta.putArray("tool_calls").add(header);
            if (first) {
                delta.putNull("refusal");
                first = false;
            }
            steps.add(new Step.Write(Duration.ZERO, Sse.data(chunk(t, delta, null, includeUsage)), false));
            for (String fragment : c.fragments()) {
                ObjectNode piece = Json.object().put("index", i);
                piece.putObject("function").put("arguments", fragment);
                ObjectNode fd = Json.object();
                fd.putArray("tool_calls").add(piece);
                steps.add(new Step.Write(t.tokenDelay(token++), t.tokenText(Sse.data(chunk(t, fd, null, includeUsage))),
                        true));
            }
        }
        steps.add(new Step.Write(Duration.ZERO,
                Sse.data(chunk(t, Json.object(), finishReason(t), includeUsage)), false));
        if (includeUsage) {
            ObjectNode usageChunk = envelope(t);
            usageChunk.putArray("choices");
            usageChunk.set("usage", usage(t.usage));
            steps.add(new Step.Write(Duration.ZERO, Sse.data(usageChunk), false));
        }
        ObjectNode error = Json.object();
        error.putObject("error").put("message", Turn.SERVER_ERROR_MESSAGE).put("type", "server_error")
                .putNull("param");
        ((ObjectNode) error.get("error")).putNull("code");
        return t.finish(steps, Sse.data("[DONE]"), Sse.data(error));
    }

    /** How long a non-streamed answer takes before its body is sent. */
    public static Duration delay(Reply.Completion reply) {
        return new Turn(reply, Json.object()).totalDelay();
    }

    /** The {@code chat.completion} body of a non-streamed answer. */
    public static JsonNode body(Reply.Completion reply, JsonNode request) {
        Turn t = new Turn(reply, request);
        ObjectNode body = Json.object().put("id", "chatcmpl-" + t.suffix).put("object", "chat.completion")
                .put("created", t.created).put("model", t.model);
        ObjectNode choice = body.putArray("choices").addObject().put("index", 0);
        ObjectNode message = choice.putObject("message").put("role", "assistant");
        if ((t.hasText() || t.calls.isEmpty()) && !reply.refusal()) {
            message.put("content", reply.text());
        } else {
            message.putNull("content");
        }
        if (reply.refusal()) {
            message.put("refusal", reply.text());
        } else {
            message.putNull("refusal");
        }
        message.putArray("annotations");
        if (!t.calls.isEmpty()) {
            ArrayNode calls = message.putArray("tool_calls");
            for (Turn.Call c : t.calls) {
                ObjectNode call = calls.addObject().put("id", c.id()).put("type", "function");
                call.putObject("function").put("name", c.name()).put("arguments", c.arguments());
            }
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason(t));
        body.set("usage", usage(t.usage));
        body.put("service_tier", "default");
        body.put("system_fingerprint", "fp_cadre");
        return body;
    }

    private static String finishReason(Turn t) {
        return t.calls.isEmpty() ? "stop" : "tool_calls";
    }

    private static ObjectNode envelope(Turn t) {
        return Json.object().put("id", "chatcmpl-" + t.suffix).put("object", "chat.completion.chunk")
                .put("created", t.created).put("model", t.model).put("system_fingerprint", "fp_cadre");
    }

    private static ObjectNode chunk(Turn t, ObjectNode delta, String finishReason, boolean includeUsage) {
        ObjectNode chunk = envelope(t);
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        if (includeUsage) {
            // The spec: with include_usage, every other chunk carries "usage": null.
            chunk.putNull("usage");
        }
        return chunk;
    }

    static ObjectNode usage(FakeUsage u) {
        ObjectNode usage = Json.object().put("prompt_tokens", u.inputTokens())
                .put("completion_tokens", u.outputTokens()).put("total_tokens", u.totalTokens());
        usage.putObject("prompt_tokens_details").put("cached_tokens", u.cachedTokens()).put("audio_tokens", 0);
        usage.putObject("completion_tokens_details").put("reasoning_tokens", u.reasoningTokens())
                .put("audio_tokens", 0).put("accepted_prediction_tokens", 0).put("rejected_prediction_tokens", 0);
        return usage;
    }
}
