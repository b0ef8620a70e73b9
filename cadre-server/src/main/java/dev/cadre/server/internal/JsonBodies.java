package dev.cadre.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.cadre.json.CadreJson;
import dev.cadre.db.StoredText;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * JSON request bodies read as AgentOS's pydantic models read them: a body that is not JSON, not an object, or
 * whose fields have the wrong type is a 422 with a FastAPI validation list whose {@code loc} starts with
 * {@code "body"} and names the field (and the index, in a list). A {@code null} field counts as absent, as for
 * pydantic's {@code Optional} fields. Values are also held to what the stores accept ({@link StoredText}).
 */
final class JsonBodies {

    private JsonBodies() {
    }

    /** The body's JSON object; empty for an empty body. A body still arriving after {@code deadline} drops the connection. */
    static Optional<ObjectNode> read(Context ctx, Duration deadline) {
        String text;
        try (var reading = Connections.bodyDeadline(ctx, deadline)) {
            text = ctx.body();
        }
        if (text.isBlank()) {
            return Optional.empty();
        }
        JsonNode node;
        try {
            node = CadreJson.mapper().readTree(text);
        } catch (IOException e) {
            throw invalid(List.of("body"), "json_invalid", "JSON decode error", NullNode.getInstance());
        }
        if (!(node instanceof ObjectNode object)) {
            throw invalid(List.of("body"), "model_attributes_type",
                    "Input should be a valid dictionary or object to extract fields from", node);
        }
        return Optional.of(object);
    }

    /** The body's JSON object, which must be there: an empty body is a 422 {@code missing}. */
    static ObjectNode required(Context ctx, Duration deadline) {
        return read(ctx, deadline).orElseThrow(() -> invalid(List.of("body"), "missing", "Field required",
                NullNode.getInstance()));
    }

    /** An optional text field. */
    static Optional<String> text(ObjectNode body, String field) {
        JsonNode v = present(body, field);
        if (v == null) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            throw invalid(List.of("body", field), "string_type", "Input should be a valid string", v);
        }
        StoredText.textProblem(field, v.textValue()).ifPresent(p -> {
            throw invalid(List.of("body", field), "string_invalid", p, TextNode.valueOf(Forms.printable(v.textValue())));
        });
        return Optional.of(v.textValue());
    }

    /** An optional id field: text that is a storable id. */
    static Optional<String> id(ObjectNode body, String field) {
        Optional<String> v = text(body, field);
        v.flatMap(s -> StoredText.idProblem(field, s)).ifPresent(p -> {
            throw invalid(List.of("body", field), "string_invalid", p, TextNode.valueOf(Forms.printable(v.get())));
        });
        return v;
    }

    /** An optional object field, such as {@code session_state}. */
    static Optional<ObjectNode> object(ObjectNode body, String field) {
        JsonNode v = present(body, field);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof ObjectNode o)) {
            throw invalid(List.of("body", field), "dict_type", "Input should be a valid dictionary", v);
        }
        StoredText.jsonProblem(field, o).ifPresent(p -> {
            throw invalid(List.of("body", field), "string_invalid", p, NullNode.getInstance());
        });
        return Optional.of(o);
    }

    /** A required list of texts with at least one item. */
    static List<String> texts(ObjectNode body, String field) {
        JsonNode v = present(body, field);
        if (v == null) {
            throw invalid(List.of("body", field), "missing", "Field required", NullNode.getInstance());
        }
        return texts(field, v, true);
    }

    /** An optional list of texts, possibly empty. */
    static Optional<List<String>> optionalTexts(ObjectNode body, String field) {
        JsonNode v = present(body, field);
        return v == null ? Optional.empty() : Optional.of(texts(field, v, false));
    }

    private static List<String> texts(String field, JsonNode v, boolean atLeastOne) {
        if (!(v instanceof ArrayNode a)) {
            throw invalid(List.of("body", field), "list_type", "Input should be a valid list", v);
        }
        if (atLeastOne && a.isEmpty()) {
            throw invalid(List.of("body", field), "too_short", "List should have at least 1 item after validation,"
                    + " not 0", v);
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            JsonNode item = a.get(i);
            if (!item.isTextual()) {
                throw invalid(List.of("body", field, i), "string_type", "Input should be a valid string", item);
            }
            out.add(item.textValue());
        }
        return out;
    }

    private static JsonNode present(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        return v == null || v.isNull() ? null : v;
    }

    /** A 422 with one FastAPI validation error at {@code loc} (texts and list indexes). */
    static ApiException invalid(List<?> loc, String type, String msg, JsonNode input) {
        ObjectNode err = CadreJson.mapper().createObjectNode();
        err.put("type", type);
        ArrayNode l = err.putArray("loc");
        for (Object part : loc) {
            if (part instanceof Integer i) {
                l.add(i);
            } else {
                l.add(String.valueOf(part));
            }
        }
        err.put("msg", msg);
        err.set("input", input == null ? NullNode.getInstance() : input);
        return new ApiException(422, CadreJson.mapper().createArrayNode().add(err));
    }
}
