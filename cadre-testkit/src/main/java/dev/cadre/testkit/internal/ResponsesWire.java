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
 * Renders a scripted completion in the Responses API wire format: the {@code response} object and
 * the event sequence {@code response.created} … {@code response.completed}, each event sent as
 * {@code event:} plus {@code data:} lines with an increasing {@code sequence_number}, and no
 * {@code [DONE]}. Not public API.
 */
public final class ResponsesWire {

    private ResponsesWire() {
    }

    /** The SSE steps of a streamed answer. */
    public static List<Step> stream(Reply.Completion reply, JsonNode request) {
        Turn t = new Turn(reply, request);
        Events ev = new Events(t);
        ev.add("response.created", Json.object().set("response", response(t, "in_progress", false)), false);
        ev.add("response.in_progress", Json.object().set("response", response(t, "in_progress", false)),
                false);
        int outputIndex = 0;
        if (t.hasText()) {
            String itemId = "msg_" + t.suffix;
            ev.add("response.output_item.added", Json.object().put("output_index", outputIndex)
                    .set("item", message(t, "in_progress", false)), false);
            boolean refusal = reply.refusal();
            ev.add("response.content_part.added", Json.object().put("item_id", itemId)
                    .put("output_index", outputIndex).put("content_index", 0).set("part", part(refusal, "")), false);
            for (String text : reply.textChunks()) {
                ObjectNode delta = Json.object().put("item_id", itemId).put("output_index", outputIndex)
                        .put("content_index", 0).put("delta", text);
                if (!refusal) {
                    delta.putArray("logprobs");
                }
                ev.add(refusal ? "response.refusal.delta" : "response.output_text.delta", delta, true);
            }
            ObjectNode done = Json.object().put("item_id", itemId).put("output_index", outputIndex)
                    .put("content_index", 0).put(refusal ? "refusal" : "text", reply.text());
            if (!refusal) {
                done.putArray("logprobs");
            }
            ev.add(refusal ? "response.refusal.done" : "response.output_text.done", done, false);
            ObjectNode finalPart = part(refusal, reply.text());
            ev.add("response.content_part.done", Json.object().put("item_id", itemId)
                    .put("output_index", outputIndex).put("content_index", 0).set("part", finalPart), false);
            ev.add("response.output_item.done", Json.object().put("output_index", outputIndex)
                    .set("item", message(t, "completed", true)), false);
            outputIndex++;
        }
        for (Turn.Call c : t.calls) {
            ev.add("response.output_item.added", Json.object().put("output_index", outputIndex)
                    .set("item", functionCall(c, "in_progress", false)), false);
            for (String fragment : c.fragments()) {
                ev.add("response.function_call_arguments.delta", Json.object().put("item_id", c.itemId())
                        .put("output_index", outputIndex).put("delta", fragment), true);
            }
            ev.add("response.function_call_arguments.done", Json.object().put("item_id", c.itemId())
                    .put("output_index", outputIndex).put("name", c.name()).put("arguments", c.arguments()),
                    false);
            ev.add("response.output_item.done", Json.object().put("output_index", outputIndex)
                    .set("item", functionCall(c, "completed", true)), false);
            outputIndex++;
        }
        List<Step> steps = ev.steps;
        // The terminal event and the error event take the next sequence number after the cut point;
        // computing them lazily keeps the numbers strictly increasing whichever way the stream ends.
        int cut = ev.sequenceAfterCut(reply);
        String completed = Sse.event("response.completed", Json.object().put("type", "response.completed")
                .put("sequence_number", ev.sequence).set("response", response(t, "completed", true)));
        ObjectNode error = Json.object().put("type", "error").put("code", "server_error")
                .put("message", Turn.SERVER_ERROR_MESSAGE);
        error.putNull("param");
        error.put("sequence_number", cut);
        return t.finish(steps, completed, Sse.event("error", error));
    }

    /** How long a non-streamed answer takes before its body is sent. */
    public static Duration delay(Reply.Completion reply) {
        return new Turn(reply, Json.object()).totalDelay();
    }

    /** The {@code response} body of a non-streamed answer. */
    public static JsonNode body(Reply.Completion reply, JsonNode request) {
        return response(new Turn(reply, request), "completed", true);
    }

    private static final class Events {
        final Turn turn;
        final List<Step> steps = new ArrayList<>();
        int sequence;
        int token;

        Events(Turn turn) {
            this.turn = turn;
        }

        void add(String type, JsonNode fields, boolean isToken) {
            ObjectNode event = Json.object().put("type", type).put("sequence_number", sequence++);
            fields.properties().forEach(e -> event.set(e.getKey(), e.getValue()));
            String sse = Sse.event(type, event);
            if (isToken) {
                steps.add(new Step.Write(turn.tokenDelay(token++), turn.tokenText(sse), true));
            } else {
                steps.add(new Step.Write(Duration.ZERO, sse, false));
            }
        }

        /** The sequence number the first event after the cut point would have had. */
        int sequenceAfterCut(Reply.Completion reply) {
            if (reply.ending() != Reply.Ending.STREAM_ERROR) {
                return sequence;
            }
            int tokens = 0;
            int index = 0;
            for (Step s : steps) {
                if (s instanceof Step.Write w && w.token()) {
                    if (tokens == reply.endAfterChunks()) {
                        return index;
                    }
                    tokens++;
                }
                index++;
            }
            return sequence;
        }
    }

    private static ObjectNode message(Turn t, String status, boolean full) {
        ObjectNode item = Json.object().put("id", "msg_" + t.suffix).put("type", "message").put("status", status)
                .put("role", "assistant");
        ArrayNode content = item.putArray("content");
        if (full) {
            content.add(part(t.reply.refusal(), t.reply.text()));
        }
        return item;
    }

    private static ObjectNode part(boolean refusal, String text) {
        if (refusal) {
            return Json.object().put("type", "refusal").put("refusal", text);
        }
        ObjectNode part = Json.object().put("type", "output_text").put("text", text);
        part.putArray("annotations");
        return part;
    }

    private static ObjectNode functionCall(Turn.Call c, String status, boolean full) {
        return Json.object().put("id", c.itemId()).put("type", "function_call").put("status", status)
                .put("arguments", full ? c.arguments() : "").put("call_id", c.id()).put("name", c.name());
    }

    private static ObjectNode response(Turn t, String status, boolean done) {
        JsonNode req = t.request;
        ObjectNode r = Json.object().put("id", "resp_" + t.suffix).put("object", "response")
                .put("created_at", t.created).put("status", status);
        if (done) {
            r.put("completed_at", t.created);
        }
        r.putNull("error");
        r.putNull("incomplete_details");
        echo(r, req, "instructions");
        echo(r, req, "max_output_tokens");
        r.put("model", t.model);
        ArrayNode output = r.putArray("output");
        if (done) {
            if (t.hasText()) {
                output.add(message(t, "completed", true));
            }
            for (Turn.Call c : t.calls) {
                output.add(functionCall(c, "completed", true));
            }
        }
        r.put("parallel_tool_calls", req.path("parallel_tool_calls").asBoolean(true));
        echo(r, req, "previous_response_id");
        ObjectNode reasoning = r.putObject("reasoning");
        reasoning.putNull("effort");
        reasoning.putNull("summary");
        r.put("store", req.path("store").asBoolean(true));
        r.put("temperature", req.path("temperature").asDouble(1.0));
        r.putObject("text").putObject("format").put("type", "text");
        if (req.has("tool_choice")) {
            r.set("tool_choice", req.get("tool_choice"));
        } else {
            r.put("tool_choice", "auto");
        }
        if (req.has("tools")) {
            r.set("tools", req.get("tools"));
        } else {
            r.putArray("tools");
        }
        r.put("top_p", req.path("top_p").asDouble(1.0));
        r.put("truncation", "disabled");
        if (done) {
            r.set("usage", usage(t.usage));
        } else {
            r.putNull("usage");
        }
        r.putNull("user");
        r.putObject("metadata");
        return r;
    }

    private static void echo(ObjectNode target, JsonNode request, String field) {
        JsonNode v = request.get(field);
        if (v == null) {
            target.putNull(field);
        } else {
            target.set(field, v);
        }
    }

    static ObjectNode usage(FakeUsage u) {
        ObjectNode usage = Json.object().put("input_tokens", u.inputTokens());
        usage.putObject("input_tokens_details").put("cached_tokens", u.cachedTokens()).put("cache_write_tokens", 0);
        usage.put("output_tokens", u.outputTokens());
        usage.putObject("output_tokens_details").put("reasoning_tokens", u.reasoningTokens());
        usage.put("total_tokens", u.totalTokens());
        return usage;
    }
}
