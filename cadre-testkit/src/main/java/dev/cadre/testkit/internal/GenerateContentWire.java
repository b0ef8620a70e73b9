package dev.cadre.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cadre.testkit.FakeToolCall;
import dev.cadre.testkit.FakeUsage;
import dev.cadre.testkit.GeminiReply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Renders a scripted Gemini turn in the wire format of {@code generateContent} (one
 * {@code GenerateContentResponse} body) and {@code streamGenerateContent?alt=sse} ({@code data:} lines of
 * {@code GenerateContentResponse} chunks, {@code \r\n\r\n} between events, no terminator event: the chunk
 * with the {@code finishReason} is the last). Every chunk carries {@code usageMetadata}, the counts so far, as
 * the real API does; the last carries the totals. Not public API.
 */
public final class GenerateContentWire {

    static final String SERVER_ERROR_MESSAGE = "An internal error has occurred. Please retry or report in "
            + "https://developers.generativeai.google/guide/troubleshooting";

    private GenerateContentWire() {
    }

    /** The SSE steps of a streamed answer. */
    public static List<Step> stream(GeminiReply.Turn reply, JsonNode request, String model) {
        Rendering r = new Rendering(reply, request, model);
        List<Step> steps = new ArrayList<>();
        int token = 0;
        boolean signed = false;
        for (String thought : reply.thoughtChunks()) {
            ArrayNode parts = Json.array();
            parts.addObject().put("text", thought).put("thought", true);
            steps.add(r.write(token++, r.chunk(parts, null, false)));
        }
        for (String text : reply.completion().textChunks()) {
            ArrayNode parts = Json.array();
            ObjectNode part = parts.addObject().put("text", text);
            if (!signed && r.calls.isEmpty()) {
                signed = r.sign(part);
            }
            steps.add(r.write(token++, r.chunk(parts, null, false)));
        }
        if (!r.calls.isEmpty()) {
            // Gemini sends a turn's function calls whole, in one chunk: there are no argument fragments.
            steps.add(r.write(token, r.chunk(r.functionCalls(), null, false)));
        }
        ArrayNode last = Json.array();
        last.addObject().put("text", "");
        String terminator = sse(r.chunk(last, reply.finishReason().orElse("STOP"), true));
        return r.turn.finish(steps, terminator, sse(error(500, "INTERNAL", SERVER_ERROR_MESSAGE)));
    }

    /** How long a non-streamed answer takes before its body is sent: as long as streaming it would. */
    public static Duration delay(GeminiReply.Turn reply) {
        Rendering r = new Rendering(reply, Json.object(), "fake");
        Duration d = r.turn.totalDelay();
        int thoughts = reply.thoughtChunks().size();
        return thoughts == 0 ? d : d.plus(reply.completion().chunkDelay().multipliedBy(thoughts));
    }

    /** The {@code GenerateContentResponse} of a non-streamed answer. */
    public static JsonNode body(GeminiReply.Turn reply, JsonNode request, String model) {
        Rendering r = new Rendering(reply, request, model);
        ArrayNode parts = Json.array();
        if (!reply.thoughtChunks().isEmpty()) {
            parts.addObject().put("text", reply.thoughts()).put("thought", true);
        }
        if (!reply.completion().textChunks().isEmpty()) {
            ObjectNode text = parts.addObject().put("text", reply.completion().text());
            if (r.calls.isEmpty()) {
                r.sign(text);
            }
        }
        parts.addAll(r.functionCalls());
        return r.chunk(parts, reply.finishReason().orElse("STOP"), true);
    }

    /** Google's error body: {@code {"error":{"code","message","status","details"}}}. */
    public static ObjectNode error(GeminiReply.Error e) {
        ObjectNode body = error(e.code(), e.status(), e.message());
        ArrayNode details = Json.array();
        e.reason().ifPresent(reason -> {
            ObjectNode info = details.addObject().put("@type", "type.googleapis.com/google.rpc.ErrorInfo")
                    .put("reason", reason).put("domain", "googleapis.com");
            info.putObject("metadata").put("service", "generativelanguage.googleapis.com");
        });
        e.retryDelay().ifPresent(delay -> details.addObject()
                .put("@type", "type.googleapis.com/google.rpc.RetryInfo").put("retryDelay", protoDuration(delay)));
        if (!details.isEmpty()) {
            ((ObjectNode) body.get("error")).set("details", details);
        }
        return body;
    }

    static ObjectNode error(int code, String status, String message) {
        ObjectNode body = Json.object();
        body.putObject("error").put("code", code).put("message", message).put("status", status);
        return body;
    }

    /** A {@code google.protobuf.Duration} in its JSON form: seconds with up to nine decimals and an {@code s}. */
    static String protoDuration(Duration d) {
        long nanos = d.getNano();
        if (nanos == 0) {
            return d.getSeconds() + "s";
        }
        String fraction = String.format("%09d", nanos).replaceAll("0+$", "");
        return d.getSeconds() + "." + fraction + "s";
    }

    private static String sse(JsonNode json) {
        return "data: " + Json.write(json) + "\r\n\r\n";
    }

    /** One turn resolved against its request: ids, usage, the response id. */
    private static final class Rendering {
        final GeminiReply.Turn reply;
        final Turn turn;
        final String model;
        final String responseId;
        final List<Turn.Call> calls;
        final FakeUsage usage;

        Rendering(GeminiReply.Turn reply, JsonNode request, String model) {
            this.reply = reply;
            // The shared resolution estimates usage from "input": Gemini's conversation is "contents".
            ObjectNode shim = Json.object().put("model", model);
            shim.set("input", request.path("contents").isMissingNode() ? Json.array() : request.get("contents"));
            this.turn = new Turn(reply.completion(), shim);
            this.model = model;
            this.responseId = "fake" + turn.suffix;
            this.calls = turn.calls;
            this.usage = turn.usage;
        }

        Step write(int token, JsonNode chunk) {
            return new Step.Write(turn.tokenDelay(token), turn.tokenText(sse(chunk)), true);
        }

        /** Puts the reply's thought signature on {@code part}; returns whether there was one. */
        boolean sign(ObjectNode part) {
            Optional<String> sig = reply.thoughtSignature();
            sig.ifPresent(s -> part.put("thoughtSignature", s));
            return sig.isPresent();
        }

        ArrayNode functionCalls() {
            ArrayNode parts = Json.array();
            List<FakeToolCall> scripted = reply.completion().toolCalls();
            for (int i = 0; i < calls.size(); i++) {
                Turn.Call c = calls.get(i);
                ObjectNode part = parts.addObject();
                ObjectNode call = part.putObject("functionCall");
                // The Gemini API gives calls no id unless asked to; a scripted id is sent as given.
                scripted.get(i).id().ifPresent(id -> call.put("id", id));
                call.put("name", c.name());
                JsonNode args = Json.parseOrMissing(c.arguments());
                call.set("args", args.isObject() ? args : Json.object());
                if (i == 0) {
                    sign(part);
                }
            }
            return parts;
        }

        ObjectNode chunk(ArrayNode parts, String finishReason, boolean last) {
            ObjectNode chunk = Json.object();
            ObjectNode candidate = chunk.putArray("candidates").addObject();
            candidate.putObject("content").<ObjectNode>set("parts", parts).put("role", "model");
            if (finishReason != null) {
                candidate.put("finishReason", finishReason);
            }
            candidate.put("index", 0);
            chunk.set("usageMetadata", usage(last));
            chunk.put("modelVersion", model);
            chunk.put("responseId", responseId);
            return chunk;
        }

        ObjectNode usage(boolean last) {
            ObjectNode u = Json.object().put("promptTokenCount", usage.inputTokens());
            if (last) {
                u.put("candidatesTokenCount", Math.max(0, usage.outputTokens() - usage.reasoningTokens()));
                u.put("totalTokenCount", usage.totalTokens());
                if (usage.cachedTokens() > 0) {
                    u.put("cachedContentTokenCount", usage.cachedTokens());
                }
                if (usage.reasoningTokens() > 0) {
                    u.put("thoughtsTokenCount", usage.reasoningTokens());
                }
            } else {
                u.put("totalTokenCount", usage.inputTokens());
            }
            u.putArray("promptTokensDetails").addObject().put("modality", "TEXT")
                    .put("tokenCount", usage.inputTokens());
            return u;
        }
    }
}
