package dev.cadre.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.Agent;
import dev.cadre.run.RunOutput;
import dev.cadre.run.RunStatus;
import dev.cadre.testkit.FakeAnthropicServer;
import dev.cadre.testkit.FakeToolCall;
import dev.cadre.testkit.Reply;
import dev.cadre.tool.FunctionTool;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An agent's output schema end to end on Claude: the forced output tool goes out, the record comes back. */
class StructuredAgentTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    record CityReport(String city, int tempC) {
    }

    private final FakeAnthropicServer server = FakeAnthropicServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void theAgentsAnswerIsTheForcedToolsInputReadAsTheRecord() {
        server.enqueue(Reply.toolCalls(FakeToolCall.of("CityReport", "{\"city\":\"Oslo\",\"tempC\":3}")));
        Agent agent = Agent.builder().name("Weather").model(Requests.model(server).build())
                .outputSchema(CityReport.class).build();

        RunOutput out = agent.run("Weather in Oslo?");

        assertThat(out.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(out.content(CityReport.class)).isEqualTo(new CityReport("Oslo", 3));
        assertThat(out.tools()).as("the output tool is not one of the run's tool calls").isEmpty();
        JsonNode body = server.takeRequest(WAIT).body();
        assertThat(body.path("tool_choice").path("name").asText()).isEqualTo("CityReport");
    }

    @Test
    void withToolsTheAgentCallsThemFirstThenAnswersThroughTheOutputTool() {
        server.enqueue(Reply.toolCall("get_weather", "{}"),
                Reply.toolCalls(FakeToolCall.of("CityReport", "{\"city\":\"Oslo\",\"tempC\":3}")));
        Agent agent = Agent.builder().name("Weather").model(Requests.model(server).build())
                .tools(FunctionTool.of("get_weather", "The weather", ctx -> "3 degrees in Oslo"))
                .outputSchema(CityReport.class).build();

        RunOutput out = agent.run("Weather in Oslo?");

        assertThat(out.content(CityReport.class).tempC()).isEqualTo(3);
        assertThat(out.tools()).singleElement().satisfies(t -> assertThat(t.toolName()).isEqualTo("get_weather"));
        assertThat(server.requests().getFirst().toolNames()).contains("get_weather", "CityReport");
    }
}
