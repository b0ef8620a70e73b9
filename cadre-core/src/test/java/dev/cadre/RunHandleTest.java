package dev.cadre;

import static dev.cadre.Scripts.delegate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.db.InMemoryDb;
import dev.cadre.event.RunCompleted;
import dev.cadre.event.RunEvent;
import dev.cadre.run.CancelResult.Outcome;
import dev.cadre.run.Run;
import dev.cadre.run.RunOutput;
import dev.cadre.run.RunRequest;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.run.TeamRunOutput;
import dev.cadre.testkit.ScriptedModel;
import dev.cadre.testkit.ScriptedModel.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The {@link Run} handle: what starting a run returns, and what its manager finds by id. */
class RunHandleTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private final InMemoryDb db = new InMemoryDb();
    private final RunManager runs = RunManager.builder().build();

    @AfterEach
    void shutDown() {
        runs.shutdown(Duration.ZERO);
    }

    @Test
    void aStartedRunHasItsIdsAtOnceItsEventsAndItsEndAsStored() throws Exception {
        Agent agent = Agent.builder().name("Writer").model(ScriptedModel.of(Reply.text("Once ", "upon"))).db(db)
                .runManager(runs).build();

        Run<RunOutput> run = agent.start(RunRequest.builder("write").runId("r1").sessionId("s1").build());

        assertThat(run.runId()).isEqualTo("r1");
        assertThat(run.sessionId()).isEqualTo("s1");
        assertThat(run.componentId()).isEqualTo("writer");
        List<RunEvent> events = new ArrayList<>();
        try (var stream = run.events()) {
            stream.forEach(events::add);
        }
        assertThat(events).last().isInstanceOf(RunCompleted.class);
        RunOutput end = run.await();
        assertThat(end.content()).isEqualTo("Once upon");
        assertThat(run.result()).contains(end);
        assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(db.getRun("r1")).get().extracting(RunResult::content).isEqualTo("Once upon");
    }

    @Test
    void whileItRunsTheHandleShowsItsPartialStateAndHasNoResult() throws Exception {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        ScriptedModel model = ScriptedModel.of(Reply.text("Half").thenAwait(gate).thenText(" done"));
        Agent agent = Agent.builder().name("Writer").model(model).db(db).runManager(runs).build();
        Run<RunOutput> run = agent.start("write");
        var events = run.events().iterator();
        while (!(events.next() instanceof dev.cadre.event.RunContent)) {
            // up to the first piece of text
        }

        assertThat(run.status()).isEqualTo(RunStatus.RUNNING);
        assertThat(run.snapshot().content()).isEqualTo("Half");
        assertThat(run.result()).isEmpty();
        assertThat(run.await(Duration.ofMillis(1))).isEmpty();

        gate.complete(null);
        assertThat(run.await(WAIT)).get().extracting(RunResult::content).isEqualTo("Half done");
    }

    @Test
    void awaitingWithoutReadingTheEventsNeverHoldsTheRunBack() throws Exception {
        RunManager tiny = RunManager.builder().streamBufferSize(1).build();
        Agent agent = Agent.builder().name("Writer").model(ScriptedModel.of(Reply.text(Scripts.words(200))))
                .runManager(tiny).build();

        Run<RunOutput> run = agent.start("write");

        assertThat(run.await().status()).isEqualTo(RunStatus.COMPLETED);
        tiny.shutdown(Duration.ZERO);
    }

    @Test
    void theManagerFindsARunAndItsMembersByIdWhileTheyRun() throws Exception {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        ScriptedModel memberModel = ScriptedModel.of(Reply.text("").thenAwait(gate).thenText("found"));
        Team team = Team.builder().name("Team").model(ScriptedModel.of(delegate("researcher", "find"),
                        Reply.text("done")))
                .members(Agent.builder().name("Researcher").model(memberModel).build()).db(db).runManager(runs).build();
        Run<TeamRunOutput> run = team.startInBackground("go");
        assertThat(memberModel.awaitCalls(1, WAIT)).isTrue();

        assertThat(runs.find(run.runId())).get().isSameAs(run);
        String memberRunId = runs.activeRunIds().stream().filter(id -> !id.equals(run.runId())).findFirst()
                .orElseThrow();
        Run<?> member = runs.find(memberRunId).orElseThrow();
        assertThat(member.componentId()).isEqualTo("researcher");
        assertThat(member.snapshot().parentRunId()).contains(run.runId());

        gate.complete(null);
        assertThat(run.await().status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(runs.find(run.runId())).isEmpty();
    }

    @Test
    void aBackgroundRunsHandleIsPendingAtOnceAndHasNoLiveEvents() throws Exception {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        ScriptedModel model = ScriptedModel.of(Reply.text("").thenAwait(gate).thenText("done"));
        Agent agent = Agent.builder().name("Worker").model(model).db(db).runManager(runs).build();

        Run<RunOutput> run = agent.startInBackground("work");

        assertThat(run.snapshot().status()).isIn(RunStatus.PENDING, RunStatus.RUNNING);
        assertThatThrownBy(run::events).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not started streaming");
        gate.complete(null);
        assertThat(run.await().content()).isEqualTo("done");
    }

    @Test
    void cancellingThroughTheHandleOrItsFutureEndsTheRunCancelled() throws Exception {
        Agent agent = Agent.builder().name("Worker").model(ScriptedModel.of(Reply.stall(), Reply.stall())).db(db)
                .runManager(runs).build();
        Run<RunOutput> first = agent.start("one");
        Run<RunOutput> second = agent.start("two");

        assertThat(first.cancel().outcome()).isEqualTo(Outcome.CANCELLED);
        assertThat(second.future().cancel(true)).isTrue();

        assertThat(first.await().status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(second.await().status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(first.cancel().outcome()).isEqualTo(Outcome.ALREADY_FINISHED);
    }

    @Test
    void aHandleIsTypedByWhatItRuns() {
        Team team = Team.builder().name("T").model(ScriptedModel.of(Reply.text("ok")))
                .members(Agent.builder().name("M").model(ScriptedModel.of()).build()).runManager(runs).build();
        Run<TeamRunOutput> run = team.start("go");
        assertThat(run.future().join()).isInstanceOf(TeamRunOutput.class);
    }
}
