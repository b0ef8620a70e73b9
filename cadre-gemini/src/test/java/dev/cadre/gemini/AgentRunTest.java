package dev.cadre.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.Agent;
import dev.cadre.event.RunCancelled;
import dev.cadre.event.RunCompleted;
import dev.cadre.event.RunContent;
import dev.cadre.event.RunEvent;
import dev.cadre.run.CancelResult;
import dev.cadre.run.RunOutput;
import dev.cadre.run.RunStatus;
import dev.cadre.run.RunStream;
import dev.cadre.testkit.FakeGeminiServer;
import dev.cadre.testkit.FakeToolCall;
import dev.cadre.testkit.FakeUsage;
import dev.cadre.testkit.GeminiReply;
import dev.cadre.testkit.RecordedRequest;
import dev.cadre.testkit.Reply;
import dev.cadre.tool.FunctionTool;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Agents on GeminiModel, run end to end by Cadre's engine over real HTTP against the fake Gemini API. */
class AgentRunTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration SCRIPTED = Duration.ofSeconds(60);

    record City(String city) {
    }

    private final FakeGeminiServer server = FakeGeminiServer.start();
    private final FunctionTool weather = FunctionTool.of("get_weather", "Current weather in a city", City.class,
            (args, ctx) -> args.city().equals("Oslo") ? "{\"temp_c\":3}" : "{\"temp_c\":18}");

    @AfterEach
    void stop() {
        server.close();
    }

    private Agent agent(GeminiModel model) {
        return Agent.builder().name("Weather").model(model).tools(weather).instructions("Answer briefly.").build();
    }

    /** Gemini calls the tool twice in one turn, then answers from both results. */
    private void scriptTwoCallsThenAnAnswer() {
        server.enqueue(Reply.toolCalls(FakeToolCall.of("get_weather", "{\"city\":\"Oslo\"}"),
                        FakeToolCall.of("get_weather", "{\"city\":\"Rome\"}")).usage(new FakeUsage(40, 10, 8, 0)),
                Reply.text("Oslo is 3 degrees, Rome 18.").usage(new FakeUsage(80, 9, 0, 3)));
    }

    @Test
    void anAgentRunsBothToolsOfOneTurnAndAnswersFromTheirResults() {
        scriptTwoCallsThenAnAnswer();

        RunOutput out = agent(Requests.model(server).build()).run("Weather in Oslo and Rome?");

        assertThat(out.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(out.content()).isEqualTo("Oslo is 3 degrees, Rome 18.");
        assertThat(out.model()).hasValue(Requests.MODEL);
        assertThat(out.modelProvider()).hasValue("Google");
        assertThat(out.tools()).hasSize(2);
        assertThat(out.metrics().inputTokens()).isEqualTo(120);
        assertThat(out.metrics().outputTokens()).isEqualTo(19);
        assertThat(out.metrics().totalTokens()).isEqualTo(139);
        assertThat(out.metrics().cacheReadTokens()).isEqualTo(8);
        assertThat(out.metrics().reasoningTokens()).isEqualTo(3);
        RecordedRequest second = server.requests().get(1);
        assertThat(second.toolResults()).containsExactly("{\"temp_c\":3}", "{\"temp_c\":18}");
        assertThat(second.body().get("contents").get(2).get("parts")).as("both results in one turn").hasSize(2);
        assertThat(second.systemPrompt()).contains("Answer briefly.");
        assertThat(second.isAfterToolResult()).isTrue();
        assertThat(second.lastUserMessage()).hasValue("Weather in Oslo and Rome?");
    }

    @Test
    void aStreamedRunStreamsTheAnswerAfterTheToolsAndEndsWithItsMetrics() {
        scriptTwoCallsThenAnAnswer();
        List<RunEvent> events = new java.util.ArrayList<>();

        try (RunStream stream = agent(Requests.model(server).build()).stream("Weather in Oslo and Rome?")) {
            stream.forEach(events::add);
        }

        assertThat(events).extracting(RunEvent::event).containsSubsequence("RunStarted", "ToolCallStarted",
                "ToolCallCompleted", "RunContent", "RunCompleted");
        assertThat(events).extracting(RunEvent::event).filteredOn("ToolCallCompleted"::equals).hasSize(2);
        assertThat(events.getLast()).isInstanceOfSatisfying(RunCompleted.class, c -> {
            assertThat(c.content()).isEqualTo("Oslo is 3 degrees, Rome 18.");
            assertThat(c.metrics().totalTokens()).isEqualTo(139);
        });
        assertThat(server.requests()).allSatisfy(r -> assertThat(r.isStream()).isTrue());
    }

    @Test
    void thoughtsStreamAsReasoningContentOfContentEvents() {
        server.enqueue(GeminiReply.thinking("The user wants a greeting.", Reply.text("Hello there!")));
        List<RunEvent> events = new java.util.ArrayList<>();

        try (RunStream stream = Agent.builder().name("Greeter")
                .model(Requests.model(server).includeThoughts(true).build()).build().stream("Hi")) {
            stream.forEach(events::add);
        }

        List<RunContent> content = events.stream().filter(e -> e instanceof RunContent).map(e -> (RunContent) e)
                .toList();
        assertThat(String.join("", content.stream().map(RunContent::reasoningContent).toList()))
                .isEqualTo("The user wants a greeting.");
        assertThat(String.join("", content.stream().map(RunContent::content).toList())).isEqualTo("Hello there!");
        assertThat(content).allSatisfy(c -> assertThat(c.content().isEmpty() || c.reasoningContent().isEmpty())
                .as("reasoning and answer never in the same event").isTrue());
        assertThat(server.takeRequest(WAIT).body().at("/generationConfig/thinkingConfig/includeThoughts").asBoolean())
                .isTrue();
    }

    @Test
    void cancellingAStreamingRunClosesTheConnectionAndEndsTheRunCancelled() throws Exception {
        server.enqueue(Reply.text("Oslo is cold and Rome is warm today.").chunkDelay(SCRIPTED));
        Agent agent = agent(Requests.model(server).build());
        RunStream stream = agent.stream("Weather?");
        List<RunEvent> events = new CopyOnWriteArrayList<>();
        CountDownLatch firstToken = new CountDownLatch(1);
        CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
            for (RunEvent e : stream) {
                events.add(e);
                if (e instanceof RunContent) {
                    firstToken.countDown();
                }
            }
        }, command -> Thread.ofVirtual().start(command));
        assertThat(firstToken.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

        long cancelledAt = System.nanoTime();
        CancelResult result = agent.cancelRun(stream.runId());

        RecordedRequest request = server.takeRequest(WAIT);
        assertThat(request.awaitDisconnect(SCRIPTED.dividedBy(4))).as("the fake saw the client go").isTrue();
        assertThat(request.disconnectedAtNanos().orElseThrow()).isGreaterThanOrEqualTo(cancelledAt);
        reader.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        stream.close();
        assertThat(result.outcome()).isEqualTo(CancelResult.Outcome.CANCELLED);
        assertThat(events.getLast()).isInstanceOfSatisfying(RunCancelled.class,
                c -> assertThat(c.content()).isEqualTo("Oslo"));
        assertThat(stream.result().status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(server.requestCount()).as("nothing retried after the cancel").isEqualTo(1);
    }

    @Test
    void aRejectedKeyEndsTheRunAsErrorWithAMessageSayingWhatToCheck() {
        FakeGeminiServer strict = FakeGeminiServer.builder().requireApiKey("right-key").start();
        try (strict) {
            RunOutput out = agent(GeminiModel.builder().id(Requests.MODEL).apiKey("wrong-key")
                    .baseUrl(strict.baseUrl()).build()).run("Weather?");

            assertThat(out.status()).isEqualTo(RunStatus.ERROR);
            assertThat(out.error()).hasValueSatisfying(e -> {
                assertThat(e.type()).isEqualTo("authentication_error");
                assertThat(e.message()).contains("API key not valid").contains("GEMINI_API_KEY");
            });
        }
    }
}
