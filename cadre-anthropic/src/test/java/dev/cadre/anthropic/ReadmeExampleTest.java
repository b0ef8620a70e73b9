package dev.cadre.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.Agent;
import dev.cadre.run.RunOutput;
import dev.cadre.testkit.FakeAnthropicServer;
import dev.cadre.testkit.RecordedRequest;
import dev.cadre.testkit.Reply;
import dev.cadre.tool.FunctionTool;
import org.junit.jupiter.api.Test;

/** The FakeAnthropicServer example of the testkit's README, kept compiling and passing. */
class ReadmeExampleTest {

    record City(String city) {
    }

    private final FunctionTool weatherTool = FunctionTool.of("get_weather", "Current weather in a city", City.class,
            (args, ctx) -> "{\"temp_c\":3}");

    @Test
    void answersFromTheToolResult() {
        try (FakeAnthropicServer server = FakeAnthropicServer.start()) {
            server.enqueue(
                    Reply.toolCall("get_weather", "{\"city\":\"Oslo\"}").thinking("I should look it up."),
                    Reply.text("It is 3 degrees in Oslo.").usage(120, 9));

            Agent agent = Agent.builder().name("Weather")
                    .model(AnthropicModel.builder().id("claude-sonnet-4-5").apiKey("sk-ant-test")
                            .maxTokens(16_000).thinkingBudget(2_048).baseUrl(server.baseUrl()).build())
                    .tools(weatherTool)
                    .build();

            RunOutput out = agent.run("What's the weather in Oslo?");

            assertThat(out.content()).isEqualTo("It is 3 degrees in Oslo.");
            RecordedRequest second = server.requests().get(1);
            assertThat(second.toolResults()).containsExactly("{\"temp_c\":3}");
            // The tool-calling turn went back with its thinking block and signature.
            assertThat(second.body().path("messages").get(1).path("content").get(0).path("signature").asText())
                    .isEqualTo(FakeAnthropicServer.signatureOf("I should look it up."));
        }
    }
}
