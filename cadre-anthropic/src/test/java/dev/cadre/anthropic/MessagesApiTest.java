package dev.cadre.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.model.AbortSignal;
import dev.cadre.model.Model;
import dev.cadre.model.ModelDelta;
import dev.cadre.model.ModelResponse;
import dev.cadre.model.ModelResponseAccumulator;
import dev.cadre.model.ToolCall;
import dev.cadre.model.Usage;
import dev.cadre.testkit.Api;
import dev.cadre.testkit.FakeAnthropicServer;
import dev.cadre.testkit.FakeToolCall;
import dev.cadre.testkit.FakeUsage;
import dev.cadre.testkit.RecordedRequest;
import dev.cadre.testkit.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One model turn over the Messages API, streamed and not, against the fake server on the real SDK path. */
class MessagesApiTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final FakeAnthropicServer server = FakeAnthropicServer.start();
    private final Model model = Requests.model(server).build();

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aStreamedAnswerArrivesPieceByPieceWithItsIdAndUsage() {
        server.enqueue(Reply.text("Hello there, world").usage(12, 3));
        List<ModelDelta> deltas = new ArrayList<>();
        ModelResponseAccumulator turn = new ModelResponseAccumulator();

        model.stream(Requests.question("Hi"), AbortSignal.never(), d -> {
            deltas.add(d);
            turn.accept(d);
        });

        assertThat(deltas).filteredOn(d -> d instanceof ModelDelta.Text).extracting(d -> ((ModelDelta.Text) d).text())
                .containsExactly("Hello", " there,", " world");
        ModelResponse response = turn.response();
        assertThat(response.content()).isEqualTo("Hello there, world");
        assertThat(response.toolCalls()).isEmpty();
        assertThat(response.usage()).isEqualTo(new Usage(12, 3, 15, 0, 0, 0));
        assertThat(response.providerData().get("id")).startsWith("msg_");
        RecordedRequest request = server.takeRequest(WAIT);
        assertThat(request.api()).isEqualTo(Api.ANTHROPIC_MESSAGES);
        assertThat(request.isStream()).isTrue();
        assertThat(request.header("authorization")).hasValue("Bearer sk-ant-test");
        assertThat(request.header("anthropic-version")).isPresent();
        assertThat(request.header("x-cadre-call-handle")).as("the abort handle never leaves the process").isEmpty();
        assertThat(request.model()).hasValue(Requests.MODEL);
        assertThat(request.body().path("max_tokens").asLong()).isEqualTo(8192);
    }

    @Test
    void aBlockingCallReturnsTheWholeTurn() {
        server.enqueue(Reply.text("Paris is the capital of France.").usage(20, 8));

        ModelResponse response = model.invoke(Requests.question("Capital of France?"), AbortSignal.never());

        assertThat(response.content()).isEqualTo("Paris is the capital of France.");
        assertThat(response.usage().totalTokens()).isEqualTo(28);
        assertThat(server.takeRequest(WAIT).isStream()).isFalse();
    }

    @Test
    void systemMessagesGoToTheSystemParameterAndToolResultsOfOneTurnIntoOneUserTurn() {
        server.enqueue(Reply.text("3 and 18 degrees."));

        model.invoke(Requests.afterTwoToolCalls(), AbortSignal.never());

        JsonNode body = server.takeRequest(WAIT).body();
        assertThat(body.path("system").asText()).isEqualTo("You are terse.\n\nUse Celsius.");
        JsonNode messages = body.path("messages");
        assertThat(messages).hasSize(3);
        assertThat(messages.get(0).path("role").asText()).isEqualTo("user");
        JsonNode assistant = messages.get(1);
        assertThat(assistant.path("role").asText()).isEqualTo("assistant");
        assertThat(assistant.path("content")).extracting(b -> b.path("type").asText())
                .containsExactly("text", "tool_use", "tool_use");
        assertThat(assistant.path("content").get(1).path("id").asText()).isEqualTo("toolu_oslo");
        assertThat(assistant.path("content").get(1).path("input").path("city").asText()).isEqualTo("Oslo");
        JsonNode results = messages.get(2);
        assertThat(results.path("role").asText()).isEqualTo("user");
        assertThat(results.path("content")).extracting(b -> b.path("type").asText() + ":"
                + b.path("tool_use_id").asText() + ":" + b.path("content").asText())
                .containsExactly("tool_result:toolu_oslo:{\"temp_c\":3}", "tool_result:toolu_rome:{\"temp_c\":18}");
        assertThat(body.path("tools").get(0).path("input_schema").path("required").get(0).asText()).isEqualTo("city");
    }

    @Test
    void severalToolCallsInOneStreamedTurnAreKeptApart() {
        server.enqueue(Reply.text("Let me check both.").withToolCalls(
                FakeToolCall.of("get_weather", "{\"city\":\"Oslo\"}").withId("toolu_1").inFragments(4),
                FakeToolCall.of("get_weather", "{\"city\":\"Rome\"}").withId("toolu_2").inFragments(2)));
        ModelResponseAccumulator turn = new ModelResponseAccumulator();

        model.stream(Requests.question("Weather in Oslo and Rome?"), AbortSignal.never(), turn);

        assertThat(turn.response().content()).isEqualTo("Let me check both.");
        assertThat(turn.response().toolCalls()).containsExactly(
                new ToolCall("toolu_1", "get_weather", "{\"city\":\"Oslo\"}"),
                new ToolCall("toolu_2", "get_weather", "{\"city\":\"Rome\"}"));
    }

    @Test
    void severalToolCallsInOneBlockingTurnAreKeptApart() {
        server.enqueue(Reply.toolCalls(FakeToolCall.of("get_weather", "{\"city\":\"Oslo\"}").withId("toolu_1"),
                FakeToolCall.of("get_weather", "{\"city\":\"Rome\"}").withId("toolu_2")));

        ModelResponse response = model.invoke(Requests.question("Weather in Oslo and Rome?"), AbortSignal.never());

        assertThat(response.content()).isEmpty();
        assertThat(response.toolCalls()).extracting(ToolCall::id, ToolCall::arguments).containsExactly(
                org.assertj.core.groups.Tuple.tuple("toolu_1", "{\"city\":\"Oslo\"}"),
                org.assertj.core.groups.Tuple.tuple("toolu_2", "{\"city\":\"Rome\"}"));
    }

    @Test
    void cacheReadsAndWritesAreCountedApartFromTheUncachedInput() {
        FakeUsage usage = new FakeUsage(30, 7, 1200, 0).withCacheWriteTokens(400);
        server.enqueue(Reply.text("Cached.").usage(usage), Reply.text("Cached.").usage(usage));
        ModelResponseAccumulator streamed = new ModelResponseAccumulator();

        model.stream(Requests.question("Hi"), AbortSignal.never(), streamed);
        ModelResponse blocking = model.invoke(Requests.question("Hi"), AbortSignal.never());

        Usage expected = new Usage(30, 7, 37, 1200, 0, 400);
        assertThat(streamed.response().usage()).isEqualTo(expected);
        assertThat(blocking.usage()).isEqualTo(expected);
    }

    @Test
    void extendedThinkingIsStreamedAsReasoningApartFromTheAnswer() {
        Model thinker = Requests.model(server).maxTokens(16_000).thinkingBudget(4_000).build();
        server.enqueue(Reply.text("It is 42.").thinking("Six times seven is forty-two."));
        List<ModelDelta> deltas = new ArrayList<>();
        ModelResponseAccumulator turn = new ModelResponseAccumulator();

        thinker.stream(Requests.question("6 x 7?"), AbortSignal.never(), d -> {
            deltas.add(d);
            turn.accept(d);
        });

        assertThat(deltas).filteredOn(d -> d instanceof ModelDelta.Reasoning).hasSizeGreaterThan(1);
        assertThat(turn.response().reasoningContent()).isEqualTo("Six times seven is forty-two.");
        assertThat(turn.response().content()).isEqualTo("It is 42.");
        int firstReasoning = indexOf(deltas, ModelDelta.Reasoning.class);
        assertThat(firstReasoning).isLessThan(indexOf(deltas, ModelDelta.Text.class));
        JsonNode thinking = server.takeRequest(WAIT).body().path("thinking");
        assertThat(thinking.path("type").asText()).isEqualTo("enabled");
        assertThat(thinking.path("budget_tokens").asLong()).isEqualTo(4_000);
    }

    @Test
    void aBlockingCallReturnsTheThinkingAsReasoningContent() {
        Model thinker = Requests.model(server).maxTokens(16_000).thinkingBudget(4_000).build();
        server.enqueue(Reply.text("It is 42.").thinking("Six times seven is forty-two."));

        ModelResponse response = thinker.invoke(Requests.question("6 x 7?"), AbortSignal.never());

        assertThat(response.reasoningContent()).isEqualTo("Six times seven is forty-two.");
        assertThat(response.content()).isEqualTo("It is 42.");
    }

    private static int indexOf(List<ModelDelta> deltas, Class<? extends ModelDelta> type) {
        for (int i = 0; i < deltas.size(); i++) {
            if (type.isInstance(deltas.get(i))) {
                return i;
            }
        }
        return -1;
    }
}
