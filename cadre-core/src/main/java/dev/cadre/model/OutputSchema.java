package dev.cadre.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cadre.tool.JsonSchemas;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The JSON shape a model's final answer must have: its schema goes to the provider natively (OpenAI's
 * {@code response_format} / {@code text.format} json_schema, Anthropic's forced tool, Gemini's response
 * schema), and the run's content is the answer parsed and checked against it.
 *
 * @param name a short name for the schema, as providers ask for one ({@code [A-Za-z0-9_-]{1,64}})
 * @param schema the JSON schema of the answer: an {@code object} schema
 */
public record OutputSchema(String name, JsonNode schema) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public OutputSchema {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(schema, "schema");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("An output schema's name must be 1-64 letters, digits, '_' or '-': '"
                    + name + "'");
        }
        if (!schema.isObject() || !"object".equals(schema.path("type").asText())) {
            throw new IllegalArgumentException("An output schema must be a JSON schema of type \"object\", got: "
                    + abbreviate(schema.toString()));
        }
        schema = schema.deepCopy();
    }

    /** The schema of a record type (its components as properties, {@code Optional} ones not required). */
    public static OutputSchema of(Class<?> type) {
        if (!type.isRecord()) {
            throw new IllegalArgumentException("An output type must be a record: " + type.getName()
                    + " is not (declare a record with the fields the answer should have)");
        }
        return new OutputSchema(type.getSimpleName(), JsonSchemas.of(type));
    }

    /**
     * Whether OpenAI's strict mode accepts the schema: every object lists all its properties as required and
     * forbids others. A record with {@code Optional} components is not strict; its schema is still sent, and the
     * answer still checked here.
     */
    public boolean strictCompatible() {
        return strict(schema, 0);
    }

    /** The schema as OpenAI's strict mode wants it: {@code additionalProperties: false} on every object. */
    public JsonNode closedSchema() {
        JsonNode copy = schema.deepCopy();
        close(copy, 0);
        return copy;
    }

    private static boolean strict(JsonNode node, int depth) {
        if (depth > 32 || !node.isObject()) {
            return true;
        }
        if ("object".equals(node.path("type").asText())) {
            // The names, not their number: ["a", "a"] for properties a and b is not strict.
            java.util.Set<String> props = new java.util.HashSet<>();
            node.path("properties").fieldNames().forEachRemaining(props::add);
            java.util.Set<String> required = new java.util.HashSet<>();
            node.path("required").forEach(name -> required.add(name.asText()));
            if (!props.equals(required)) {
                return false;
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isObject() && !strict(e.getValue(), depth + 1)) {
                return false;
            }
            if (e.getValue().isArray()) {
                for (JsonNode item : e.getValue()) {
                    if (!strict(item, depth + 1)) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    private static void close(JsonNode node, int depth) {
        if (depth > 32 || !node.isObject()) {
            return;
        }
        ObjectNode o = (ObjectNode) node;
        if ("object".equals(o.path("type").asText()) && !o.has("additionalProperties")) {
            o.put("additionalProperties", false);
        }
        o.forEach(child -> {
            if (child.isObject()) {
                close(child, depth + 1);
            } else if (child.isArray()) {
                child.forEach(item -> close(item, depth + 1));
            }
        });
    }

    private static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 117) + "...";
    }
}
