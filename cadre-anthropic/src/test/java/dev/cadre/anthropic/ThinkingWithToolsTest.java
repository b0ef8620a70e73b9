package dev.cadre.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.model.AbortSignal;
import dev.cadre.model.Message;
import dev.cadre.model.ModelRequest;
import dev.cadre.model.ModelResponse;
import dev.cadre.model.ModelResponseAccumulator;
import dev.cadre.model.ToolCall;
import dev.cadre.testkit.FakeAnthropicServer;
import dev.cadre.testkit.FakeToolCall;
import dev.cadre.testkit.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * With extended thinking, the turn that called tools goes back with its thinking blocks (signatures unchanged);
 * when they are not known, the continuation goes without thinking instead of failing.
 */
class ThinkingWithToolsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String THOUGHT = "I need the weather for Oslo.";

    private final FakeAnthropicServer server = FakeAnthropicServer.start();
    private final AnthropicModel model = Requests.model(server).maxTokens(16_000).thinkingBudget(2_048).build();

    @AfterEach
    void stop() {
        server.close();
    }

    /** The conversation after {@code response}'s tool calls were run. */
    private static ModelRequest continuation(ModelResponse response) {
        List<Message> messages = new ArrayList<>(Requests.question("Weather in Oslo?").messages());
        messages.add(Message.assistant(response.content(), response.toolCalls()));
        for (ToolCall call : response.toolCalls()) {
            messages.add(Message.toolResult(call, "{\"temp_c\":3}"));
        }
        return new ModelRequest(messages, List.of(Requests.WEATHER));
    }

    @Test
    void aStreamedToolTurnsThinkingGoesBackFirstInThatTurnWithItsSignature() {
        server.enqueue(Reply.toolCalls(FakeToolCall.of("get_weather", "{\"city\":\"Oslo\"}")).thinking(THOUGHT),
                Reply.text("3 degrees."));
        ModelResponseAccumulator first = new ModelResponseAccumulator();
        model.stream(Requests.question("Weather in Oslo?"), AbortSignal.never(), first);

        model.stream(continuation(first.response()), AbortSignal.never(), new ModelResponseAccumulator());

        JsonNode second = server.awaitRequests(2, WAIT).get(1).body();
        assertThat(second.path("thinking").path("type").asText()).isEqualTo("enabled");
        JsonNode assistant = second.path("messages").get(1);
        assertThat(assistant.path("content")).extracting(b -> b.path("type").asText())
                .containsExactly("thinking", "tool_use");
        assertThat(assistant.path("content").get(0).path("thinking").asText()).isEqualTo(THOUGHT);
        assertThat(assistant.path("content").get(0).path("signature").asText())
                .isEqualTo(FakeAnthropicServer.signatureOf(THOUGHT));
    }

    @Test
    void aBlockingToolTurnsThinkingGoesBackToo() {
        server.enqueue(Reply.toolCalls(FakeToolCall.of("get_weather", "{\"city\":\"Oslo\"}")).thinking(THOUGHT),
                Reply.text("3 degrees."));
        ModelResponse first = model.invoke(Requests.question("Weather in Oslo?"), AbortSignal.never());

        model.invoke(continuation(first), AbortSignal.never());

        JsonNode assistant = server.awaitRequests(2, WAIT).get(1).body().path("messages").get(1);
        assertThat(assistant.path("content").get(0).path("signature").asText())
                .isEqualTo(FakeAnthropicServer.signatureOf(THOUGHT));
    }

    @Test
    void aContinuationWhoseThinkingIsNotKnownGoesWithoutThinkingInsteadOfFailing() {
        server.enqueue(Reply.text("3 degrees."));
        // A tool round trip this model instance never saw: another process made the first turn.
        ToolCall call = new ToolCall("toolu_elsewhere", "get_weather", "{\"city\":\"Oslo\"}");
        ModelResponse fromElsewhere = new ModelResponse("", List.of(call), dev.cadre.model.Usage.NONE);

        ModelResponse answer = model.invoke(continuation(fromElsewhere), AbortSignal.never());

        assertThat(answer.content()).isEqualTo("3 degrees.");
        JsonNode body = server.takeRequest(WAIT).body();
        assertThat(body.has("thinking")).isFalse();
        assertThat(body.path("messages").get(1).path("content")).extracting(b -> b.path("type").asText())
                .containsExactly("tool_use");
    }

    @Test
    void aNewQuestionAfterAFinishedToolRoundTripKeepsThinkingOn() {
        server.enqueue(Reply.text("Sure."));
        ToolCall call = new ToolCall("toolu_elsewhere", "get_weather", "{\"city\":\"Oslo\"}");
        List<Message> messages = new ArrayList<>(continuation(
                new ModelResponse("", List.of(call), dev.cadre.model.Usage.NONE)).messages());
        messages.add(Message.assistant("3 degrees."));
        messages.add(Message.user("And tomorrow?"));

        model.invoke(new ModelRequest(messages, List.of(Requests.WEATHER)), AbortSignal.never());

        assertThat(server.takeRequest(WAIT).body().path("thinking").path("type").asText()).isEqualTo("enabled");
    }
}
