package dev.cadre;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.event.RunError;
import dev.cadre.event.RunEvent;
import dev.cadre.model.Message;
import dev.cadre.model.ModelException;
import dev.cadre.model.Role;
import dev.cadre.testkit.ScriptedModel;
import dev.cadre.testkit.ScriptedModel.Reply;
import dev.cadre.run.RunContext;
import dev.cadre.run.RunFailure;
import dev.cadre.run.RunOutput;
import dev.cadre.run.RunRequest;
import dev.cadre.run.RunStatus;
import dev.cadre.run.RunStream;
import dev.cadre.db.InMemoryDb;
import dev.cadre.tool.FunctionTool;
import dev.cadre.tool.Tool;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class AgentRunTest {

    record CityArgs(String city) {
    }

    private static Tool weather() {
        return FunctionTool.of("get_weather", "Weather in a city", CityArgs.class, (a, ctx) -> "sunny in " + a.city());
    }

    @Test
    void toolLoopFeedsResultsBackToTheModel() {
        ScriptedModel model = ScriptedModel.of(Reply.toolCall("get_weather", "{\"city\":\"Paris\"}"),
                Reply.text("It is sunny."));
        Agent agent = Agent.builder().name("Weather").model(model).tools(weather()).build();

        RunOutput out = agent.run("Weather in Paris?");

        assertThat(out.content()).isEqualTo("It is sunny.");
        assertThat(out.tools()).singleElement().satisfies(t -> {
            assertThat(t.toolName()).isEqualTo("get_weather");
            assertThat(t.toolArgs().path("city").asText()).isEqualTo("Paris");
            assertThat(t.result()).contains("sunny in Paris");
            assertThat(t.toolCallError()).contains(false);
        });
        Message toolMessage = model.requests().get(1).messages().getLast();
        assertThat(toolMessage.role()).isEqualTo(Role.TOOL);
        assertThat(toolMessage.content()).isEqualTo("sunny in Paris");
        assertThat(toolMessage.toolCallId()).contains(out.tools().getFirst().toolCallId());
        assertThat(model.requests().getFirst().tools()).extracting(d -> d.name()).containsExactly("get_weather");
    }

    @Test
    void toolCallsOfOneTurnRunInParallel() throws Exception {
        CountDownLatch both = new CountDownLatch(2);
        Tool waiter = FunctionTool.of("wait_for_other", "waits", CityArgs.class, (a, ctx) -> {
            both.countDown();
            return both.await(10, TimeUnit.SECONDS) ? "met " + a.city() : "alone";
        });
        ScriptedModel model = ScriptedModel.of(
                Reply.toolCall("wait_for_other", "{\"city\":\"A\"}").thenToolCall("wait_for_other", "{\"city\":\"B\"}"),
                Reply.text("done"));
        Agent agent = Agent.builder().name("P").model(model).tools(waiter).build();

        RunOutput out = agent.run("go");

        assertThat(out.tools()).extracting(t -> t.result().orElseThrow()).containsExactly("met A", "met B");
    }

    @Test
    void toolsReceiveTheRunContext() {
        AtomicReference<RunContext> seen = new AtomicReference<>();
        Tool probe = FunctionTool.of("probe", "records its context", ctx -> {
            seen.set(ctx);
            return "ok";
        });
        Agent agent = Agent.builder().name("A").model(ScriptedModel.of(Reply.toolCall("probe", "{}"), Reply.text("x")))
                .tools(probe).build();

        RunOutput out = agent.run(RunRequest.builder("go").userId("ada").build());

        assertThat(seen.get().runId()).isEqualTo(out.runId());
        assertThat(seen.get().sessionId()).isEqualTo(out.sessionId());
        assertThat(seen.get().userId()).contains("ada");
        assertThat(seen.get().componentId()).isEqualTo("a");
    }

    @Test
    void aFailingToolIsReportedToTheModelNotFatal() {
        Tool broken = FunctionTool.of("broken", "fails", ctx -> {
            throw new IllegalStateException("disk on fire");
        });
        ScriptedModel model = ScriptedModel.of(Reply.toolCall("broken", "{}"), Reply.text("Sorry."));
        RunOutput out = Agent.builder().name("A").model(model).tools(broken).build().run("go");

        assertThat(out.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(out.tools().getFirst().toolCallError()).contains(true);
        assertThat(model.requests().get(1).messages().getLast().content()).isEqualTo("Tool broken failed: disk on fire");
    }

    @Test
    void unknownToolsAndMalformedArgumentsAreReportedToTheModel() {
        ScriptedModel model = ScriptedModel.of(
                Reply.toolCall("nope", "{}").thenToolCall("get_weather", "{not json"), Reply.text("ok"));
        RunOutput out = Agent.builder().name("A").model(model).tools(weather()).build().run("go");

        List<Message> results = model.requests().get(1).messages().stream().filter(m -> m.role() == Role.TOOL).toList();
        assertThat(results.get(0).content()).isEqualTo("Unknown tool 'nope'. Available tools: get_weather.");
        assertThat(results.get(1).content()).startsWith("Invalid arguments for get_weather: not a JSON object");
        assertThat(out.status()).isEqualTo(RunStatus.COMPLETED);
    }

    @Test
    void toolRoundsAreBounded() {
        ScriptedModel model = ScriptedModel.replying(req -> Reply.toolCall("get_weather", "{\"city\":\"X\"}"));
        RunOutput out = Agent.builder().name("Loop").model(model).tools(weather()).maxToolRounds(3).build().run("go");

        assertThat(out.status()).isEqualTo(RunStatus.ERROR);
        assertThat(out.error()).get().extracting(RunFailure::type).isEqualTo("tool_call_limit");
        assertThat(out.content()).contains("still calling tools after 3 rounds", "maxToolRounds");
        assertThat(model.requests()).hasSize(4);
    }

    @Test
    void aModelErrorEndsTheRunAsErrorWithItsMessage() {
        ModelException boom = new ModelException("The API key was rejected (HTTP 401): check OPENAI_API_KEY",
                "authentication_error", null);
        Agent agent = Agent.builder().name("A").model(ScriptedModel.of(Reply.error(boom))).build();
        List<RunEvent> events = new ArrayList<>();
        RunOutput out;
        try (RunStream stream = agent.stream("hi")) {
            stream.forEach(events::add);
            out = (RunOutput) stream.result();
        }

        assertThat(out.status()).isEqualTo(RunStatus.ERROR);
        assertThat(out.content()).isEqualTo(boom.getMessage());
        assertThat(out.error()).contains(new RunFailure("authentication_error", boom.getMessage()));
        assertThat(events.getLast()).isInstanceOfSatisfying(RunError.class, e -> {
            assertThat(e.status()).isEqualTo(RunStatus.ERROR);
            assertThat(e.errorType()).isEqualTo("authentication_error");
        });
    }

    @Test
    void runAsyncCompletesTheFuture() throws Exception {
        Agent agent = Agent.builder().name("A").model(ScriptedModel.of(Reply.text("async"))).build();
        CompletableFuture<RunOutput> f = agent.runAsync("go");
        assertThat(f.get(10, TimeUnit.SECONDS).content()).isEqualTo("async");
    }

    @Test
    void historyAddsEarlierRunsOfTheSession() {
        ScriptedModel model = ScriptedModel.of(Reply.text("Paris."), Reply.text("About 2 million."));
        Agent agent = Agent.builder().name("A").model(model).db(new InMemoryDb()).addHistoryToContext(true).build();

        RunOutput first = agent.run("Capital of France?");
        agent.run(RunRequest.builder("Its population?").sessionId(first.sessionId()).build());

        List<Message> second = model.requests().get(1).messages();
        assertThat(second).filteredOn(Message::fromHistory).extracting(Message::content)
                .containsExactly("Capital of France?", "Paris.");
        assertThat(second.getLast().content()).isEqualTo("Its population?");
    }

    @Test
    void historyNeedsADb() {
        assertThatThrownBy(() -> Agent.builder().name("A").addHistoryToContext(true).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("needs a db");
    }

    @Test
    void aRunIdInUseIsRefused() throws Exception {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        Agent agent = Agent.builder().name("A").model(ScriptedModel.of(Reply.text("a").thenAwait(gate))).build();
        CompletableFuture<RunOutput> first = agent.runAsync(RunRequest.builder("x").runId("same-id").build());
        assertThatThrownBy(() -> agent.run(RunRequest.builder("y").runId("same-id").build()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("same-id is already running");
        gate.complete(null);
        assertThat(first.get(10, TimeUnit.SECONDS).status()).isEqualTo(RunStatus.COMPLETED);
    }

    @Test
    void blankIdsInARequestAreRefused() {
        assertThatThrownBy(() -> RunRequest.builder("x").sessionId(" ").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sessionId must not be blank");
    }
}
