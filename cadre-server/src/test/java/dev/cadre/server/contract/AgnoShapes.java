package dev.cadre.server.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What Agno's AgentOS answered to each request, as captured next to Cadre ({@code agno/observed.json}, made
 * from the reference capture): per request its status, content type and the JSON <em>shape</em> of its body —
 * every key with the JSON type of its value ({@code "str"}, {@code "int"}, {@code "float"}, {@code "bool"},
 * {@code "null"}, {@code "list"}, {@code "dict"}, a nested shape, or {@code ["dict"]} for a list of objects).
 *
 * <p>{@link #assertConforms} checks Cadre's answer against it: every key Agno sent must be there, with a value
 * of the same type (an {@code int} where Agno sent a {@code float} is fine: JSON does not tell them apart; a
 * key Agno sent as {@code null} may hold anything, but must be there). Keys Cadre adds are allowed. Keys
 * Cadre leaves out on purpose are named by the caller, so each difference is visible in the test that
 * allows it.
 */
public final class AgnoShapes {

    private static final JsonNode ANSWERS = load();

    private AgnoShapes() {
    }

    /** One captured answer, by the heading it has in the capture, e.g. {@code "GET /teams/research-team"}. */
    public static Answer answer(String request) {
        JsonNode a = ANSWERS.get(request);
        if (a == null) {
            throw new IllegalArgumentException("No captured answer for '" + request + "'");
        }
        return new Answer(request, a);
    }

    /** A captured answer: what Agno's AgentOS sent back to one request. */
    public record Answer(String request, JsonNode captured) {

        public int status() {
            return captured.get("status").asInt();
        }

        public String contentType() {
            return captured.get("content_type").asText();
        }

        public JsonNode shape() {
            return captured.get("shape");
        }

        /** For a stream: the shape of each event, by event name (only events captured in full). */
        public JsonNode eventShape(String event) {
            JsonNode shapes = captured.get("event_shapes");
            JsonNode s = shapes == null ? null : shapes.get(event);
            if (s == null) {
                throw new IllegalArgumentException("No captured shape of " + event + " in '" + request + "'");
            }
            return s;
        }

        /** For a stream: the names of the events captured, in order (possibly only the first ones). */
        public List<String> eventSequence() {
            List<String> names = new ArrayList<>();
            captured.path("event_sequence").forEach(n -> names.add(n.asText()));
            return names;
        }
    }

    /**
     * Fails, listing every difference, unless {@code actual} has the shape {@code expected}.
     *
     * @param absentOnPurpose keys (as dotted paths, e.g. {@code tools[].metrics}) that Cadre leaves out deliberately
     */
    public static void assertConforms(String what, JsonNode expected, JsonNode actual, String... absentOnPurpose) {
        List<String> problems = differences(expected, actual, Set.of(absentOnPurpose));
        if (!problems.isEmpty()) {
            throw new AssertionError(what + " does not have Agno's shape:\n  " + String.join("\n  ", problems)
                    + "\nCadre sent: " + abbreviate(actual.toString()));
        }
    }

    /** The differences between a shape and a value, one line each; empty when it conforms. */
    public static List<String> differences(JsonNode expected, JsonNode actual, Set<String> absentOnPurpose) {
        List<String> out = new ArrayList<>();
        compare("", expected, actual, absentOnPurpose, out);
        return out;
    }

    private static void compare(String path, JsonNode expected, JsonNode actual, Set<String> skip, List<String> out) {
        String at = path.isEmpty() ? "(body)" : path;
        if (expected.isTextual()) {
            String type = expected.asText();
            if (!hasType(type, actual)) {
                out.add(at + ": expected " + type + ", was " + describe(actual));
            }
        } else if (expected.isObject()) {
            if (!actual.isObject()) {
                out.add(at + ": expected an object, was " + describe(actual));
                return;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String child = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
                if (skip.contains(child)) {
                    continue;
                }
                JsonNode value = actual.get(e.getKey());
                if (value == null) {
                    out.add(child + ": missing (Agno sends " + e.getValue() + ")");
                } else {
                    compare(child, e.getValue(), value, skip, out);
                }
            }
        } else if (expected.isArray()) {
            if (!actual.isArray()) {
                out.add(at + ": expected a list, was " + describe(actual));
                return;
            }
            if (expected.isEmpty()) {
                return;
            }
            for (int i = 0; i < actual.size(); i++) {
                compare(path + "[]", expected.get(0), actual.get(i), skip, out);
                if (out.size() > 40) {
                    return;
                }
            }
        }
    }

    private static boolean hasType(String type, JsonNode v) {
        return switch (type) {
            case "str" -> v.isTextual();
            case "int" -> v.isIntegralNumber();
            case "float" -> v.isNumber();
            case "bool" -> v.isBoolean();
            case "list" -> v.isArray();
            case "dict" -> v.isObject();
            case "null" -> true; // Agno sent null there: the key must exist, its value may be anything
            default -> throw new IllegalArgumentException("Unknown type '" + type + "' in the capture");
        };
    }

    private static String describe(JsonNode v) {
        return v.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " " + abbreviate(v.toString());
    }

    private static String abbreviate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + " …";
    }

    private static JsonNode load() {
        try (InputStream in = AgnoShapes.class.getResourceAsStream("/agno/observed.json")) {
            if (in == null) {
                throw new IllegalStateException("agno/observed.json is not on the test class path");
            }
            return new ObjectMapper().readTree(in).get("answers");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
