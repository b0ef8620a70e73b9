package dev.cadre.server.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cadre.json.CadreJson;
import dev.cadre.model.OutputSchema;
import dev.cadre.server.config.YamlTree.Node;
import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An agent's or team's {@code output_schema:}: a JSON schema written as YAML (a map), or as a JSON string. YAML
 * scalars arrive as text, so numbers and booleans are read back as such — except where JSON Schema wants text
 * ({@code type}, {@code description}, {@code pattern}…); the JSON string form keeps every type exactly.
 */
final class OutputSchemaConfig {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final Set<String> TEXT_KEYS = Set.of("type", "title", "description", "pattern", "format", "$ref",
            "$id", "$schema", "$comment", "contentMediaType", "contentEncoding");
    private static final Pattern INTEGER = Pattern.compile("-?\\d{1,18}");
    private static final Pattern DECIMAL = Pattern.compile("-?\\d+\\.\\d+([eE][-+]?\\d+)?");

    private OutputSchemaConfig() {
    }

    /** The component's output schema, named by its {@code title} or else after the component. */
    static Optional<OutputSchema> read(ConfigReader reader, Node component, String componentId) {
        Node n = component.map().get("output_schema");
        if (n == null || n.value() == null) {
            return Optional.empty();
        }
        JsonNode schema;
        if (n.isScalar()) {
            try {
                schema = CadreJson.mapper().readTree(n.text());
            } catch (JsonProcessingException e) {
                throw reader.error(n, "is not valid JSON: " + e.getOriginalMessage()
                        + " (write the schema as YAML, or as a JSON string)");
            }
        } else if (n.isMap()) {
            schema = json(n, "");
        } else {
            throw reader.error(n, "must be a JSON schema: a map like {type: object, properties: {...}}");
        }
        String title = schema.path("title").asText("");
        String name = (title.isEmpty() ? componentId : title).replaceAll("[^A-Za-z0-9_-]", "_");
        try {
            return Optional.of(new OutputSchema(name.length() > 64 ? name.substring(0, 64) : name, schema));
        } catch (IllegalArgumentException e) {
            throw reader.error(n, e.getMessage());
        }
    }

    private static JsonNode json(Node n, String key) {
        if (n.isMap()) {
            ObjectNode o = JSON.objectNode();
            for (Map.Entry<String, Node> e : n.map().entrySet()) {
                // "properties" maps names to schemas: a property called "type" is not the keyword.
                o.set(e.getKey(), json(e.getValue(), key.equals("properties") ? "" : e.getKey()));
            }
            return o;
        }
        if (n.isList()) {
            ArrayNode a = JSON.arrayNode();
            n.list().forEach(item -> a.add(json(item, key.equals("required") ? "type" : key)));
            return a;
        }
        if (n.value() == null) {
            return JSON.nullNode();
        }
        String text = n.text();
        if (TEXT_KEYS.contains(key)) {
            return JSON.textNode(text);
        }
        if (text.equals("true") || text.equals("false")) {
            return JSON.booleanNode(Boolean.parseBoolean(text));
        }
        if (INTEGER.matcher(text).matches()) {
            return JSON.numberNode(Long.parseLong(text));
        }
        if (DECIMAL.matcher(text).matches()) {
            return JSON.numberNode(new BigDecimal(text));
        }
        return JSON.textNode(text);
    }
}
