package dev.cadre.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;

/** SSE framing, exactly as the OpenAI API writes it: {@code \n} line ends, one blank line per event. */
final class Sse {

    private Sse() {
    }

    static String data(JsonNode json) {
        return "data: " + Json.write(json) + "\n\n";
    }

    static String data(String raw) {
        return "data: " + raw + "\n\n";
    }

    static String event(String type, JsonNode json) {
        return "event: " + type + "\n" + "data: " + Json.write(json) + "\n\n";
    }

    static final String KEEP_ALIVE = ": keep-alive\n\n";
}
