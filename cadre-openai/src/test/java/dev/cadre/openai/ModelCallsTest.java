package dev.cadre.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.model.AbortSignal;
import dev.cadre.model.Model;
import dev.cadre.model.ModelDelta;
import dev.cadre.model.ModelResponse;
import dev.cadre.model.ModelResponseAccumulator;
import dev.cadre.model.ToolCall;
import dev.cadre.model.Usage;
import dev.cadre.testkit.Api;
import dev.cadre.testkit.FakeOpenAIServer;
import dev.cadre.testkit.FakeToolCall;
import dev.cadre.testkit.FakeUsage;
import dev.cadre.testkit.Outcome;
import dev.cadre.testkit.RecordedRequest;
import dev.cadre.testkit.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Streaming and non-streaming calls of both model classes against the fake server. */
class ModelCallsTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private final FakeOpenAIServer server = FakeOpenAIServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    @ParameterizedTest
    @EnumSource(Models.class)
    void streamsTextPieceByPieceThenUsage(Models kind) {
        server.enqueue(Reply.text("Hello there world").usage(new FakeUsage(12, 3, 4, 1)));
        List<ModelDelta> deltas = new ArrayList<>();

        kind.against(server).stream(Requests.question("Hi"), AbortSignal.never(), deltas::add);

        assertThat(deltas).filteredOn(d -> !(d instanceof ModelDelta.ProviderData)).containsExactly(
                new ModelDelta.Text("Hello"), new ModelDelta.Text(" there"), new ModelDelta.Text(" world"),
                new ModelDelta.UsageReport(new Usage(12, 3, 15, 4, 1)));
    }

    @ParameterizedTest
    @EnumSource(Models.class)
    void namesTheStreamedResponseBeforeItsFirstTokenWithAgnosKey(Models kind) {
        server.enqueue(Reply.text("Hello there world"));
        List<ModelDelta> deltas = new ArrayList<>();

        kind.against(server).stream(Requests.question("Hi"), AbortSignal.never(), deltas::add);

        assertThat(deltas.getFirst()).isInstanceOfSatisfying(ModelDelta.ProviderData.class,
                p -> {
                    assertThat(p.data()).containsOnlyKeys(kind.providerDataKeys());
                    assertThat(p.data().get(kind.responseIdKey())).startsWith(kind.responseIdPrefix());
                });
        assertThat(deltas).filteredOn(d -> d instanceof ModelDelta.ProviderData).hasSize(1);
    }

    @ParameterizedTest
    @EnumSource(Models.class)
    void namesTheWholeResponseWithAgnosKey(Models kind) {
        server.enqueue(Reply.text("Hello."));

        ModelResponse response = kind.against(server).invoke(Requests.question("Hi"), AbortSignal.never());

        assertThat(response.providerData()).containsOnlyKeys(kind.providerDataKeys());
        assertThat(response.providerData().get(kind.responseIdKey())).startsWith(kind.responseIdPrefix());
    }

    @ParameterizedTest
    @EnumSource(Models.class)
    void streamsSeveralToolCallsInOneTurn(Models kind) {
        server.enqueue(Reply.toolCalls(
                FakeToolCall.of("get_weather", "{\"city\":\"Oslo\"}").withId("call_1").inFragments(3),
                FakeToolCall.of("get_weather", "{\"city\":\"Rome\"}").withId("call_2").inFragments(2)));
        ModelResponseAccumulator turn = new ModelResponseAccumulator();

        kind.against(server).stream(Requests.question("Weather in Oslo and Rome?"), AbortSignal.never(), turn);

        assertThat(turn.response().toolCalls()).containsExactly(
                new ToolCall("call_1", "get_weather", "{\"city\":\"Oslo\"}"),
                new ToolCall("call_2", "get_weather", "{\"city\":\"Rome\"}"));
        assertThat(turn.response().content()).isEmpty();
        assertThat(turn.response().usage().totalTokens()).isPositive();
    }

    @ParameterizedTest
    @EnumSource(Models.class)
    void invokesWithoutStreamingAndReturnsTheWholeTurn(Models kind) {
        server.enqueue(Reply.text("Let me check.").withToolCalls(
                FakeToolCall.of("get_weather", "{\"city\":\"Oslo\"}").withId("call_9")).usage(20, 7));

        ModelResponse response = kind.against(server).invoke(Requests.question("Weather?"), AbortSignal.never());

        assertThat(response).isEqualTo(new ModelResponse("Let me check.",
                List.of(new ToolCall("call_9", "get_weather", "{\"city\":\"Oslo\"}")), Usage.of(20, 7),
                response.providerData()));
        assertThat(server.takeRequest(WAIT).isStream()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(Models.class)
    void sendsTheConversationToolsAndModelInTheApisWireFormat(Models kind) {
        server.enqueue(Reply.text("3 degrees."));

        kind.against(server).stream(Requests.afterToolCall(), AbortSignal.never(), d -> { });

        RecordedRequest request = server.takeRequest(WAIT);
        assertThat(request.api()).isEqualTo(kind == Models.CHAT ? Api.CHAT_COMPLETIONS : Api.RESPONSES);
        assertThat(request.model()).hasValue(kind.id());
        assertThat(request.isStream()).isTrue();
        assertThat(request.header("authorization")).hasValue("Bearer sk-test");
        assertThat(request.headers()).doesNotContainKey("x-cadre-call-handle");
        assertThat(request.messages()).extracting(RecordedRequest.Message::role)
                .containsExactly("system", "user", "assistant", "tool");
        assertThat(request.systemPrompt()).isEqualTo("You are terse.");
        assertThat(request.messages().get(2).toolCalls()).containsExactly("get_weather");
        assertThat(request.messages().get(3).toolCallId()).hasValue("call_w1");
        assertThat(request.toolResults()).containsExactly("{\"temp_c\":3}");
        assertThat(request.toolNames()).containsExactly("get_weather");
        var tool = request.body().get("tools").get(0);
        var schema = kind == Models.CHAT ? tool.at("/function/parameters") : tool.get("parameters");
        assertThat(schema).isEqualTo(Requests.WEATHER.parameters());
        if (kind == Models.CHAT) {
            assertThat(request.body().at("/stream_options/include_usage").asBoolean()).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(Models.class)
    void sendsTheConfiguredRequestOptions(Models kind) {
        server.enqueue(Reply.text("ok"));
        Model model = switch (kind) {
            case CHAT -> OpenAIChat.builder().id("gpt-4o").apiKey("sk-test").baseUrl(server.baseUrl())
                    .temperature(0.25).topP(0.5).maxOutputTokens(64).parallelToolCalls(false).seed(7).build();
            case RESPONSES -> OpenAIResponses.builder().id("gpt-5.2-mini").apiKey("sk-test")
                    .baseUrl(server.baseUrl()).temperature(0.25).topP(0.5).maxOutputTokens(64)
                    .parallelToolCalls(false).build();
        };

        model.invoke(Requests.question("Hi"), AbortSignal.never());

        var body = server.takeRequest(WAIT).body();
        assertThat(body.get("temperature").asDouble()).isEqualTo(0.25);
        assertThat(body.get("top_p").asDouble()).isEqualTo(0.5);
        assertThat(body.get(kind == Models.CHAT ? "max_completion_tokens" : "max_output_tokens").asLong())
                .isEqualTo(64);
        assertThat(body.get("parallel_tool_calls").asBoolean()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(Models.class)
    void handsOnEachChunkAsSoonAsItArrives(Models kind) {
        // The server waits a second before each further chunk; a client that buffered the body would
        // hand on nothing before the server had written all of it.
        server.enqueue(Reply.text("one two three").chunkDelay(Duration.ofSeconds(1)));
        List<String> chunks = new ArrayList<>();
        List<Boolean> answerStillBeingWritten = new ArrayList<>();

        kind.against(server).stream(Requests.question("Count"), AbortSignal.never(), d -> {
            if (d instanceof ModelDelta.Text t) {
                chunks.add(t.text());
                answerStillBeingWritten.add(!server.requests().getFirst().outcome().isDone());
            }
        });

        assertThat(chunks).containsExactly("one", " two", " three");
        // The last chunk is followed at once by the end of the answer, so only the others can tell.
        assertThat(answerStillBeingWritten.subList(0, 2))
                .as("the server was still writing its answer when each chunk but the last was handed on")
                .containsExactly(true, true);
        assertThat(server.takeRequest(WAIT).awaitOutcome(WAIT).kind()).isEqualTo(Outcome.Kind.COMPLETED);
    }

    @ParameterizedTest
    @EnumSource(Models.class)
    void showsARefusalAsTheAnswerText(Models kind) {
        server.enqueue(Reply.refusal("I can't help with that."), Reply.refusal("I can't help with that."));
        ModelResponseAccumulator streamed = new ModelResponseAccumulator();
        Model model = kind.against(server);

        model.stream(Requests.question("Something bad"), AbortSignal.never(), streamed);
        ModelResponse invoked = model.invoke(Requests.question("Something bad"), AbortSignal.never());

        assertThat(streamed.text()).isEqualTo("I can't help with that.");
        assertThat(invoked.content()).isEqualTo("I can't help with that.");
    }

    @ParameterizedTest
    @EnumSource(Models.class)
    void ignoresKeepAliveComments(Models kind) {
        server.enqueue(Reply.text("still here").withKeepAliveComments());
        ModelResponseAccumulator turn = new ModelResponseAccumulator();

        kind.against(server).stream(Requests.question("Hi"), AbortSignal.never(), turn);

        assertThat(turn.text()).isEqualTo("still here");
    }

    @ParameterizedTest
    @EnumSource(Models.class)
    void servesConcurrentCallsFromOneInstance(Models kind) throws Exception {
        server.dispatcher(r -> Reply.text("echo " + r.lastUserMessage().orElse("?"))
                .chunkDelay(Duration.ofMillis(20)));
        Model model = kind.against(server);
        List<Thread> threads = new ArrayList<>();
        List<String> answers = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 8; i++) {
            String q = "q" + i;
            threads.add(Thread.ofVirtual().start(() -> {
                ModelResponseAccumulator turn = new ModelResponseAccumulator();
                model.stream(Requests.question(q), AbortSignal.never(), turn);
                answers.add(turn.text());
            }));
        }
        for (Thread t : threads) {
            t.join(WAIT);
        }

        assertThat(answers).containsExactlyInAnyOrder("echo q0", "echo q1", "echo q2", "echo q3", "echo q4",
                "echo q5", "echo q6", "echo q7");
    }
}
