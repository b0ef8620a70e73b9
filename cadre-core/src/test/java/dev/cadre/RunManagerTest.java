package dev.cadre;

import static dev.cadre.Scripts.delegate;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.testkit.ScriptedModel;
import dev.cadre.testkit.ScriptedModel.Reply;
import dev.cadre.run.CancelResult.Outcome;
import dev.cadre.run.Run;
import dev.cadre.run.RunOutput;
import dev.cadre.run.RunRequest;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.run.TeamRunOutput;
import dev.cadre.db.InMemoryDb;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RunManagerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private final InMemoryDb db = new InMemoryDb();

    @Test
    void aTeamStillRunningDuringTheGracePeriodCanDelegateAndFinish() throws Exception {
        RunManager runs = RunManager.builder().build();
        CompletableFuture<Void> gate = new CompletableFuture<>();
        ScriptedModel leader = ScriptedModel.of(Reply.text("").thenAwait(gate).thenToolCall("delegate_task_to_member",
                "{\"member_id\":\"helper\",\"task\":\"help\"}"), Reply.text("all done"));
        Team team = Team.builder().name("T").model(leader)
                .members(Agent.builder().name("Helper").model(ScriptedModel.of(Reply.text("helped"))).build())
                .db(db).runManager(runs).build();
        TeamRunOutput pending = team.runInBackground("go");
        assertThat(leader.awaitCalls(1, WAIT)).isTrue();

        CompletableFuture<Boolean> shutdown = CompletableFuture.supplyAsync(() -> runs.shutdown(WAIT));
        gate.complete(null);

        assertThat(shutdown.get(20, TimeUnit.SECONDS)).isTrue();
        RunResult stored = db.getRun(pending.runId()).orElseThrow();
        assertThat(stored.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(((TeamRunOutput) stored).memberResponses()).singleElement()
                .satisfies(m -> assertThat(m.content()).isEqualTo("helped"));
    }

    @Test
    void anInterruptedShutdownStillEndsEveryRunAndKeepsTheInterrupt() throws Exception {
        RunManager runs = RunManager.builder().build();
        ScriptedModel model = ScriptedModel.of(Reply.stall());
        Agent agent = Agent.builder().name("A").model(model).db(db).runManager(runs).build();
        RunOutput pending = agent.runInBackground("go");
        assertThat(model.awaitCalls(1, WAIT)).isTrue();

        CompletableFuture<Boolean> keptInterrupt = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            Thread.currentThread().interrupt();
            runs.shutdown(Duration.ofMillis(50));
            keptInterrupt.complete(Thread.currentThread().isInterrupted());
        });

        assertThat(keptInterrupt.get(20, TimeUnit.SECONDS)).isTrue();
        assertThat(db.getRun(pending.runId())).get().extracting(RunResult::status).isEqualTo(RunStatus.CANCELLED);
    }

    @Test
    void aCancelThroughOneManagerNeverReachesAnotherManagersRunsWithoutTheirDb() throws Exception {
        RunManager a = RunManager.builder().build();
        RunManager b = RunManager.builder().build();
        ScriptedModel model = ScriptedModel.of(Reply.text("working").thenAwait(new CompletableFuture<>()));
        Agent onA = Agent.builder().name("A").model(model).runManager(a).build();
        Agent onB = Agent.builder().name("B").model(ScriptedModel.of()).runManager(b).build();
        String runId = "cross-manager-run";
        Run<RunOutput> run = onA.start(RunRequest.builder("go").runId(runId).build());
        assertThat(model.awaitCalls(1, WAIT)).isTrue();

        assertThat(onB.cancelRun(runId).outcome()).isEqualTo(Outcome.NOT_FOUND);
        assertThat(b.find(runId)).isEmpty();
        assertThat(a.find(runId)).get().extracting(Run::status).isEqualTo(RunStatus.RUNNING);
        assertThat(model.abortedCalls()).isZero();

        assertThat(a.cancel(runId).outcome()).isEqualTo(Outcome.CANCELLED);
        assertThat(run.await().status()).isEqualTo(RunStatus.CANCELLED);
        // b remembers the cancel for an id it does not know; its own runs with that id would be cancelled
        assertThat(b.pendingCancelCount()).isOne();
    }

    @Test
    void cancellingTheFutureOfRunAsyncCancelsTheRun() throws Exception {
        RunManager runs = RunManager.builder().build();
        ScriptedModel model = ScriptedModel.of(Reply.stall());
        Agent agent = Agent.builder().name("A").model(model).db(db).runManager(runs).build();
        String runId = "future-cancel";
        CompletableFuture<RunOutput> run = agent.runAsync(RunRequest.builder("go").runId(runId).build());
        assertThat(model.awaitCalls(1, WAIT)).isTrue();

        assertThat(run.cancel(true)).isTrue();

        assertThat(runs.awaitRun(runId, WAIT)).isTrue();
        assertThat(db.getRun(runId)).get().extracting(RunResult::status).isEqualTo(RunStatus.CANCELLED);
    }

    @Test
    void membersOfATeamRunUnderTheTeamsManager() {
        RunManager runs = RunManager.builder().build();
        Team team = Team.builder().name("T").model(ScriptedModel.of(delegate("m", "x"), Reply.text("ok")))
                .members(Agent.builder().name("M").model(ScriptedModel.of(Reply.text("y"))).build())
                .db(db).runManager(runs).build();
        TeamRunOutput out = team.run("go");
        assertThat(out.memberResponses()).hasSize(1);
        assertThat(runs.activeRunIds()).isEmpty();
    }

    @Test
    void theTaskWrapperCarriesTheStartingThreadsContextToEveryRunThread() throws Exception {
        ThreadLocal<String> context = new ThreadLocal<>();
        java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        RunManager runs = RunManager.builder()
                .taskWrapper(task -> {
                    String captured = context.get();
                    return () -> {
                        context.set(captured);
                        try {
                            task.run();
                        } finally {
                            context.remove();
                        }
                    };
                })
                .listener(new dev.cadre.run.RunListener() {
                    @Override public void runStarted(dev.cadre.run.RunInfo run) {
                        seen.add("started " + context.get());
                    }
                    @Override public void modelRequestStarted(dev.cadre.run.RunInfo run, dev.cadre.model.Model m) {
                        seen.add("model " + context.get());
                    }
                }).build();
        Agent agent = Agent.builder().name("A").model(ScriptedModel.of(Reply.text("a"), Reply.text("b")))
                .db(db).runManager(runs).build();

        context.set("caller");
        try {
            agent.run("go");
            RunOutput background = agent.runInBackground("go");
            assertThat(runs.awaitRun(background.runId(), WAIT)).isTrue();
        } finally {
            context.remove();
            runs.shutdown(WAIT);
        }

        assertThat(seen).containsExactly("started caller", "model caller", "started caller", "model caller");
    }
}
