package dev.cadre.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.model.AbortSignal;
import dev.cadre.model.Model;
import dev.cadre.model.ModelResponse;
import dev.cadre.model.ModelResponseAccumulator;
import dev.cadre.testkit.FakeAnthropicServer;
import dev.cadre.testkit.FakeToolCall;
import dev.cadre.testkit.Reply;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An output schema becomes a forced synthetic tool whose input JSON is the turn's text, never a tool call. */
class StructuredOutputTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String ANSWER = "{\"city\":\"Oslo\",\"temp_c\":3}";

    private final FakeAnthropicServer server = FakeAnthropicServer.start();
    private final Model model = Requests.model(server).build();

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void withoutOtherToolsTheRequestForcesTheOutputToolAndTheStreamedTextIsItsInput() {
        server.enqueue(Reply.toolCalls(FakeToolCall.of("CityReport", ANSWER).inFragments(5)));
        ModelResponseAccumulator turn = new ModelResponseAccumulator();

        model.stream(Requests.structured("Weather in Oslo?", List.of()), AbortSignal.never(), turn);

        assertThat(turn.response().content()).isEqualTo(ANSWER);
        assertThat(turn.response().toolCalls()).isEmpty();
        JsonNode body = server.takeRequest(WAIT).body();
        assertThat(body.path("tools")).singleElement().satisfies(tool -> {
            assertThat(tool.path("name").asText()).isEqualTo("CityReport");
            assertThat(tool.path("input_schema").path("properties").has("temp_c")).isTrue();
            assertThat(tool.path("input_schema").path("required")).extracting(JsonNode::asText)
                    .containsExactly("city", "temp_c");
        });
        assertThat(body.path("tool_choice").path("type").asText()).isEqualTo("tool");
        assertThat(body.path("tool_choice").path("name").asText()).isEqualTo("CityReport");
    }

    @Test
    void aBlockingTurnReturnsTheOutputToolsInputAsItsContent() {
        server.enqueue(Reply.toolCalls(FakeToolCall.of("CityReport", ANSWER)));

        ModelResponse response = model.invoke(Requests.structured("Weather in Oslo?", List.of()), AbortSignal.never());

        assertThat(Requests.json(response.content())).isEqualTo(Requests.json(ANSWER));
        assertThat(response.toolCalls()).isEmpty();
    }

    @Test
    void besideOtherToolsTheOutputToolIsOfferedWithAnInstructionAndRealToolCallsStayToolCalls() {
        server.enqueue(Reply.toolCall("get_weather", "{\"city\":\"Oslo\"}"),
                Reply.text("Here it is.").withToolCalls(FakeToolCall.of("CityReport", ANSWER)));
        ModelResponseAccumulator first = new ModelResponseAccumulator();
        ModelResponseAccumulator second = new ModelResponseAccumulator();

        model.stream(Requests.structured("Weather in Oslo?", List.of(Requests.WEATHER)), AbortSignal.never(), first);
        model.stream(Requests.structured("Weather in Oslo?", List.of(Requests.WEATHER)), AbortSignal.never(), second);

        assertThat(first.response().toolCalls()).singleElement()
                .satisfies(c -> assertThat(c.name()).isEqualTo("get_weather"));
        assertThat(second.response().content()).as("the answer is the JSON alone, without the text beside it")
                .isEqualTo(ANSWER);
        assertThat(second.response().toolCalls()).isEmpty();
        JsonNode body = server.takeRequest(WAIT).body();
        assertThat(body.path("tools")).extracting(t -> t.path("name").asText())
                .containsExactly("get_weather", "CityReport");
        assertThat(body.has("tool_choice")).as("the model may still call the real tools first").isFalse();
        assertThat(body.path("system").asText()).contains("call the tool `CityReport`");
    }

    @Test
    void aModelThatAnswersInPlainTextDespiteTheInstructionKeepsItsText() {
        server.enqueue(Reply.text("It is 3 degrees."));
        ModelResponseAccumulator turn = new ModelResponseAccumulator();

        model.stream(Requests.structured("Weather in Oslo?", List.of(Requests.WEATHER)), AbortSignal.never(), turn);

        assertThat(turn.response().content()).as("the engine reports that it is not the JSON asked for")
                .isEqualTo("It is 3 degrees.");
    }

    @Test
    void withExtendedThinkingTheOutputToolIsOfferedNotForcedAsAnthropicAllowsOnlyAutoThen() {
        Model thinker = Requests.model(server).maxTokens(16_000).thinkingBudget(2_048).build();
        server.enqueue(Reply.toolCalls(FakeToolCall.of("CityReport", ANSWER)).thinking("Oslo is cold."));
        ModelResponseAccumulator turn = new ModelResponseAccumulator();

        thinker.stream(Requests.structured("Weather in Oslo?", List.of()), AbortSignal.never(), turn);

        assertThat(turn.response().content()).isEqualTo(ANSWER);
        assertThat(turn.response().reasoningContent()).isEqualTo("Oslo is cold.");
        JsonNode body = server.takeRequest(WAIT).body();
        assertThat(body.has("tool_choice")).isFalse();
        assertThat(body.path("thinking").path("type").asText()).isEqualTo("enabled");
        assertThat(body.path("system").asText()).contains("call the tool `CityReport`");
    }

    @Test
    void anOutputSchemaNamedLikeARealToolGetsAToolNameOfItsOwn() {
        dev.cadre.model.ToolDefinition clash = new dev.cadre.model.ToolDefinition("CityReport", "A real tool",
                Requests.json("{\"type\":\"object\",\"properties\":{}}"));
        server.enqueue(Reply.toolCalls(FakeToolCall.of("final_answer_CityReport", ANSWER)));

        ModelResponse response = model.invoke(Requests.structured("Weather in Oslo?", List.of(clash)),
                AbortSignal.never());

        assertThat(Requests.json(response.content())).isEqualTo(Requests.json(ANSWER));
        assertThat(server.takeRequest(WAIT).toolNames()).containsExactly("CityReport", "final_answer_CityReport");
    }
}
