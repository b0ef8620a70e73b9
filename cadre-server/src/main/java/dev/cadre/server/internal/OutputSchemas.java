package dev.cadre.server.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.json.CadreJson;
import dev.cadre.model.OutputSchema;
import io.javalin.http.Context;
import java.util.Optional;

/**
 * AgentOS's {@code output_schema} form field: a JSON schema (a JSON string) the run's answer must follow. Agno
 * builds a model class from it named by its {@code title}; Cadre names the schema the same way.
 */
final class OutputSchemas {

    private static final int MAX_NAME = 64;

    private OutputSchemas() {
    }

    /** The run's own output schema, when the form has one. */
    static Optional<OutputSchema> fromForm(Context ctx) {
        Optional<String> text = Forms.optional(ctx, "output_schema").filter(s -> !s.isBlank()
                && !s.equalsIgnoreCase("null") && !s.equalsIgnoreCase("none"));
        if (text.isEmpty()) {
            return Optional.empty();
        }
        JsonNode schema;
        try {
            schema = CadreJson.mapper().readTree(text.get());
        } catch (JsonProcessingException e) {
            throw new ApiException(400, "output_schema is not valid JSON: " + e.getOriginalMessage());
        }
        if (schema == null || !schema.isObject()) {
            throw new ApiException(400, "output_schema must be a JSON schema object, for example "
                    + "{\"title\":\"Answer\",\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\"}}}");
        }
        try {
            return Optional.of(new OutputSchema(name(schema), schema));
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "output_schema: " + e.getMessage());
        }
    }

    /** The schema's {@code title} made into a provider-safe name, else {@code Output}. */
    static String name(JsonNode schema) {
        String title = schema.path("title").asText("").replaceAll("[^A-Za-z0-9_-]", "_");
        if (title.isEmpty()) {
            return "Output";
        }
        return title.length() > MAX_NAME ? title.substring(0, MAX_NAME) : title;
    }
}
