package dev.cadre.anthropic;

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
import dev.cadre.testkit.FakeAnthropicServer;
import dev.cadre.testkit.FakeToolCall;
import dev.cadre.testkit.FakeUsage;
import dev.cadre.testkit.RecordedRequest;
import dev.cadre.testkit.Reply;
import dev.cadre.tool.FunctionTool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Agents on {@link AnthropicModel}, end to end over real HTTP against the fake server. */
class AgentRunTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    /** How long a reply that gets cancelled would go on before its next step. */
    private static final Duration SCRIPTED = Duration.ofSeconds(60);

    record City(String city) {
    }

    private final FakeAnthropicServer server = FakeAnthropicServer.start();
    private final FunctionTool weather = FunctionTool.of("get_weather", "Current weather in a city", City.class,
            (args, ctx) -> "{\"city\":\"" + args.city() + "\",\"temp_c\":" + (args.city().equals("Oslo") ? 3 : 18)
                    + "}");

    @AfterEach
    void stop() {
        server.close();
    }

    private Agent agent(AnthropicModel model) {
        return Agent.builder().name("Weather").model(model).tools(weather).build();
    }

    @Test
    void anAgentCallsTwoToolsInOneTurnAndAnswersFromTheirResults() {
        server.enqueue(
                Reply.toolCalls(FakeToolCall.of("get_weather", "{\"city\":\"Oslo\"}"),
                        FakeToolCall.of("get_weather", "{\"city\":\"Rome\"}")).usage(FakeUsage.of(100, 20)),
                Reply.text("Oslo has 3 degrees, Rome 18.")
                        .usage(new FakeUsage(150, 10, 80, 0).withCacheWriteTokens(20)));

        RunOutput out = agent(Requests.model(server).build()).run("Weather in Oslo and Rome?");

        assertThat(out.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(out.content()).isEqualTo("Oslo has 3 degrees, Rome 18.");
        assertThat(out.tools()).hasSize(2);
        assertThat(out.model()).hasValue(Requests.MODEL);
        assertThat(out.modelProvider()).hasValue("Anthropic");
        assertThat(out.metrics().inputTokens()).isEqualTo(250);
        assertThat(out.metrics().outputTokens()).isEqualTo(30);
        assertThat(out.metrics().cacheReadTokens()).isEqualTo(80);
        assertThat(out.modelProviderData().get("id")).startsWith("msg_");
        RecordedRequest second = server.awaitRequests(2, WAIT).get(1);
        assertThat(second.toolResults()).containsExactly("{\"city\":\"Oslo\",\"temp_c\":3}",
                "{\"city\":\"Rome\",\"temp_c\":18}");
        assertThat(second.body().path("messages")).as("user, assistant with two tool_use, one user turn of results")
                .hasSize(3);
    }

    @Test
    void aStreamedRunWithThinkingStreamsTheReasoningAsReasoningContent() {
        AnthropicModel thinker = Requests.model(server).maxTokens(16_000).thinkingBudget(4_000).build();
        server.enqueue(Reply.toolCall("get_weather", "{\"city\":\"Oslo\"}").thinking("I should look it up."),
                Reply.text("It is 3 degrees.").thinking("The tool says 3."));
        List<RunEvent> events = new ArrayList<>();

        try (RunStream stream = agent(thinker).stream("Weather in Oslo?")) {
            stream.forEach(events::add);
        }

        List<RunContent> content = events.stream().filter(e -> e instanceof RunContent).map(e -> (RunContent) e)
                .toList();
        assertThat(String.join("", content.stream().map(RunContent::reasoningContent).toList()))
                .isEqualTo("I should look it up.The tool says 3.");
        assertThat(content).filteredOn(c -> !c.reasoningContent().isEmpty())
                .allSatisfy(c -> assertThat(c.content()).isEmpty());
        assertThat(String.join("", content.stream().map(RunContent::content).toList())).isEqualTo("It is 3 degrees.");
        assertThat(events.getLast()).isInstanceOfSatisfying(RunCompleted.class,
                c -> assertThat(c.content()).isEqualTo("It is 3 degrees."));
        RecordedRequest second = server.awaitRequests(2, WAIT).get(1);
        assertThat(second.body().path("messages").get(1).path("content").get(0).path("signature").asText())
                .isEqualTo(FakeAnthropicServer.signatureOf("I should look it up."));
    }

    @Test
    void cancellingAStreamingRunClosesTheConnectionAndEndsTheRunCancelled() throws Exception {
        server.enqueue(Reply.text("It is a long story about the weather.").chunkDelay(SCRIPTED));
        Agent agent = agent(Requests.model(server).build());
        RunStream stream = agent.stream("Weather in Oslo?");
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
        assertThat(request.awaitDisconnect(WAIT)).as("the fake saw the client close long before the next token")
                .isTrue();
        assertThat(request.disconnectedAtNanos().orElseThrow()).isGreaterThanOrEqualTo(cancelledAt);
        reader.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        stream.close();
        assertThat(result.outcome()).isEqualTo(CancelResult.Outcome.CANCELLED);
        assertThat(events.getLast()).isInstanceOfSatisfying(RunCancelled.class,
                c -> assertThat(c.content()).isEqualTo("It"));
        assertThat(stream.result().status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(server.requestCount()).as("nothing retried after the cancel").isEqualTo(1);
    }

    @Test
    void aRejectedKeyEndsTheRunAsErrorWithAMessageThatSaysWhatToDo() {
        try (FakeAnthropicServer strict = FakeAnthropicServer.builder().requireApiKey("sk-ant-right").start()) {
            AnthropicModel wrong = AnthropicModel.builder().id(Requests.MODEL).apiKey("sk-ant-wrong")
                    .baseUrl(strict.baseUrl()).build();

            RunOutput out = agent(wrong).run("Weather in Oslo?");

            assertThat(out.status()).isEqualTo(RunStatus.ERROR);
            assertThat(out.error()).hasValueSatisfying(e -> {
                assertThat(e.type()).isEqualTo("authentication_error");
                assertThat(e.message()).contains("HTTP 401").contains("Check ANTHROPIC_API_KEY");
            });
        }
    }
}
