package dev.cadre.gemini.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.LinkedHashMap;
import java.util.Map;

/** JSON between Cadre's strings and trees and the SDK's maps. Not public API. */
final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final ObjectMapper SORTED = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {
    };

    private Json() {
    }

    /** A JSON object as a map; anything else (malformed arguments, say) as an empty map. */
    static Map<String, Object> object(String json) {
        try {
            JsonNode node = MAPPER.readTree(json == null || json.isBlank() ? "{}" : json);
            return node.isObject() ? MAPPER.convertValue(node, MAP) : new LinkedHashMap<>();
        } catch (JsonProcessingException e) {
            return new LinkedHashMap<>();
        }
    }

    static Map<String, Object> object(JsonNode node) {
        return MAPPER.convertValue(node, MAP);
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + value, e);
        }
    }

    /** The same JSON with object keys sorted, so that equal arguments give equal strings. */
    static String canonical(String json) {
        try {
            return SORTED.writeValueAsString(object(json));
        } catch (JsonProcessingException e) {
            return json;
        }
    }
}
