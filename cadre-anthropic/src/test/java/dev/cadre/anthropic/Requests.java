package dev.cadre.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cadre.model.Message;
import dev.cadre.model.ModelRequest;
import dev.cadre.model.OutputSchema;
import dev.cadre.model.ToolCall;
import dev.cadre.model.ToolDefinition;
import dev.cadre.testkit.FakeAnthropicServer;
import java.util.List;
import java.util.Optional;

/** Model requests and models used by the tests. */
final class Requests {

    private static final ObjectMapper JSON = new ObjectMapper();

    static final String MODEL = "claude-sonnet-4-5";

    static final ToolDefinition WEATHER = new ToolDefinition("get_weather", "Current weather in a city",
            json("""
                    {"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""));

    static final OutputSchema CITY_REPORT = new OutputSchema("CityReport", json("""
            {"type":"object","properties":{"city":{"type":"string"},"temp_c":{"type":"number"}},
             "required":["city","temp_c"]}"""));

    private Requests() {
    }

    static AnthropicModel.Builder model(FakeAnthropicServer server) {
        return AnthropicModel.builder().id(MODEL).apiKey("sk-ant-test").baseUrl(server.baseUrl());
    }

    static ModelRequest question(String text) {
        return new ModelRequest(List.of(Message.system("You are terse."), Message.user(text)), List.of(WEATHER));
    }

    /** A conversation with a finished round trip of two tool calls in its history. */
    static ModelRequest afterTwoToolCalls() {
        ToolCall oslo = new ToolCall("toolu_oslo", "get_weather", "{\"city\":\"Oslo\"}");
        ToolCall rome = new ToolCall("toolu_rome", "get_weather", "{\"city\":\"Rome\"}");
        return new ModelRequest(List.of(Message.system("You are terse."), Message.system("Use Celsius."),
                Message.user("Weather in Oslo and Rome?"), Message.assistant("Let me look.", List.of(oslo, rome)),
                Message.toolResult(oslo, "{\"temp_c\":3}"), Message.toolResult(rome, "{\"temp_c\":18}")),
                List.of(WEATHER));
    }

    static ModelRequest structured(String text, List<ToolDefinition> tools) {
        return new ModelRequest(List.of(Message.user(text)), tools, Optional.of(CITY_REPORT));
    }

    static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
