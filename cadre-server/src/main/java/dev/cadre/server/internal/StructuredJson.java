package dev.cadre.server.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cadre.json.CadreJson;
import dev.cadre.run.RunResult;

/**
 * Structured answers on the wire as AgentOS sends them: Agno's {@code content} is the answer's JSON object when its
 * {@code content_type} names an output schema (a pydantic model's dump), and text otherwise. Cadre keeps the answer
 * as JSON text; the HTTP API turns it back into the object, in runs, their members, their events and streamed
 * completions.
 */
final class StructuredJson {

    private StructuredJson() {
    }

    /** {@code n} (a run or an event) with its structured content as an object, its members' and events' too. */
    static ObjectNode objects(ObjectNode n) {
        JsonNode type = n.get("content_type");
        JsonNode content = n.get("content");
        if (type != null && type.isTextual() && !RunResult.TEXT.equals(type.asText()) && content != null
                && content.isTextual()) {
            try {
                n.set("content", CadreJson.mapper().readTree(content.asText()));
            } catch (JsonProcessingException e) {
                // Only answers that passed their schema are marked structured, so this is a run stored by something
                // else: its content stays the text it is.
            }
        }
        for (String nested : new String[] {"member_responses", "events"}) {
            JsonNode list = n.get(nested);
            if (list != null && list.isArray()) {
                list.forEach(item -> {
                    if (item instanceof ObjectNode o) {
                        objects(o);
                    }
                });
            }
        }
        return n;
    }

    /** Agno's {@code run_response_format} of a run listing: {@code text}, or {@code json} for a structured answer. */
    static String responseFormat(RunResult run) {
        return run.isStructured() ? "json" : "text";
    }
}
