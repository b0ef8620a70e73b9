package dev.cadre.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.Agent;
import dev.cadre.run.RunOutput;
import dev.cadre.testkit.FakeOpenAIServer;
import dev.cadre.testkit.RecordedRequest;
import dev.cadre.testkit.Reply;
import dev.cadre.tool.FunctionTool;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The example of the testkit's README, kept compiling and passing. */
class ReadmeExampleTest {

    record City(String city) {
    }

    private final FunctionTool weatherTool = FunctionTool.of("get_weather", "Current weather in a city", City.class,
            (args, ctx) -> "{\"temp_c\":3}");

    @Test
    void answersFromTheToolResult() {
        try (FakeOpenAIServer server = FakeOpenAIServer.start()) {
            // First turn: the model calls the tool. Second turn (after the tool result): it answers.
            server.enqueue(
                    Reply.toolCall("get_weather", "{\"city\":\"Oslo\"}"),
                    Reply.text("It is 3 degrees in Oslo.").chunkDelay(Duration.ofMillis(10)).usage(120, 9));

            Agent agent = Agent.builder().name("Weather")
                    .model(OpenAIChat.builder().id("gpt-4o").apiKey("sk-test").baseUrl(server.baseUrl()).build())
                    .tools(weatherTool)
                    .build();

            RunOutput out = agent.run("What's the weather in Oslo?");

            assertThat(out.content()).isEqualTo("It is 3 degrees in Oslo.");
            RecordedRequest second = server.requests().get(1);
            assertThat(second.toolResults()).containsExactly("{\"temp_c\":3}");
        }
    }
}
