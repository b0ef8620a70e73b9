package dev.cadre.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cadre.model.Message;
import dev.cadre.model.ModelRequest;
import dev.cadre.model.ToolCall;
import dev.cadre.model.ToolDefinition;
import java.util.List;

/** Model requests used by the tests. */
final class Requests {

    private static final ObjectMapper JSON = new ObjectMapper();

    static final ToolDefinition WEATHER = new ToolDefinition("get_weather", "Current weather in a city",
            json("""
                    {"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""));

    private Requests() {
    }

    static ModelRequest question(String text) {
        return new ModelRequest(List.of(Message.system("You are terse."), Message.user(text)), List.of(WEATHER));
    }

    /** A conversation with a finished tool round trip in its history. */
    static ModelRequest afterToolCall() {
        ToolCall call = new ToolCall("call_w1", "get_weather", "{\"city\":\"Oslo\"}");
        return new ModelRequest(List.of(Message.system("You are terse."), Message.user("Weather in Oslo?"),
                Message.assistant("", List.of(call)), Message.toolResult(call, "{\"temp_c\":3}")), List.of(WEATHER));
    }

    static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
