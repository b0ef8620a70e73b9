package dev.cadre.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.Agent;
import dev.cadre.run.RunOutput;
import dev.cadre.testkit.FakeGeminiServer;
import dev.cadre.testkit.GeminiReply;
import dev.cadre.testkit.Reply;
import dev.cadre.tool.FunctionTool;
import org.junit.jupiter.api.Test;

/** The examples of cadre-testkit's README (FakeGeminiServer) and of the root README, kept compiling and passing. */
class ReadmeExampleTest {

    record City(String city) {
    }

    private final FunctionTool weatherTool = FunctionTool.of("get_weather", "Current weather in a city", City.class,
            (args, ctx) -> "{\"temp_c\":3}");

    @Test
    void answersFromTheToolResult() {
        try (FakeGeminiServer server = FakeGeminiServer.start()) {
            server.enqueue(GeminiReply.of(Reply.toolCall("get_weather", "{\"city\":\"Oslo\"}")),
                    GeminiReply.thinking("It is cold there.", Reply.text("3 degrees in Oslo.")));
            Agent agent = Agent.builder().name("Weather").tools(weatherTool)
                    .model(GeminiModel.builder().id("gemini-2.5-flash").apiKey("test").baseUrl(server.baseUrl())
                            .build())
                    .build();

            RunOutput out = agent.run("What's the weather in Oslo?");

            assertThat(out.content()).isEqualTo("3 degrees in Oslo.");
            assertThat(server.requests().get(1).toolResults()).containsExactly("{\"temp_c\":3}");
        }
    }
}
