package dev.cadre.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cadre.model.Message;
import dev.cadre.model.ModelRequest;
import dev.cadre.model.ToolCall;
import dev.cadre.model.ToolDefinition;
import dev.cadre.testkit.FakeGeminiServer;
import java.util.List;

/** Model requests and models used by the tests. */
final class Requests {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String MODEL = "gemini-2.5-flash";

    static final ToolDefinition WEATHER = new ToolDefinition("get_weather", "Current weather in a city",
            json("""
                    {"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""));

    private Requests() {
    }

    static GeminiModel.Builder model(FakeGeminiServer server) {
        return GeminiModel.builder().id(MODEL).apiKey("test-key").baseUrl(server.baseUrl());
    }

    static ModelRequest question(String text) {
        return new ModelRequest(List.of(Message.system("You are terse."), Message.user(text)), List.of(WEATHER));
    }

    /** A conversation whose last turn called two tools, both answered. */
    static ModelRequest afterTwoToolCalls(ToolCall first, ToolCall second) {
        return new ModelRequest(List.of(Message.system("You are terse."), Message.user("Weather in Oslo and Rome?"),
                Message.assistant("", List.of(first, second)), Message.toolResult(first, "{\"temp_c\":3}"),
                Message.toolResult(second, "{\"temp_c\":18}")), List.of(WEATHER));
    }

    static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
