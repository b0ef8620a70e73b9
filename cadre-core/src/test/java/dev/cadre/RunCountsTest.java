package dev.cadre;

import static dev.cadre.Scripts.delegate;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.db.InMemoryDb;
import dev.cadre.run.RunExecutor;
import dev.cadre.run.RunInfo;
import dev.cadre.run.RunListener;
import dev.cadre.run.RunOutput;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.testkit.ScriptedModel;
import dev.cadre.testkit.ScriptedModel.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link RunManager#runningRuns()} and {@link RunManager#queuedBackgroundRuns()}: what gauges read. */
class RunCountsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private final InMemoryDb db = new InMemoryDb();

    /** Counts down as runs end, after the manager has stopped counting them as running. */
    private static final class Ends implements RunListener {
        private final CountDownLatch ended;

        Ends(int runs) {
            ended = new CountDownLatch(runs);
        }

        @Override
        public void runEnded(RunInfo run, RunResult end) {
            ended.countDown();
        }

        boolean await() throws InterruptedException {
            return ended.await(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @Test
    void aBackgroundRunWaitingForASlotIsQueuedNotRunningUntilItGetsOne() throws Exception {
        Ends firstEnded = new Ends(1);
        Ends bothEnded = new Ends(2);
        RunManager runs = RunManager.builder().maxBackgroundRuns(1).listener(firstEnded).listener(bothEnded).build();
        ScriptedModel model = ScriptedModel.of(Reply.stall(), Reply.stall());
        Agent agent = Agent.builder().name("A").model(model).db(db).runManager(runs).build();
        assertThat(runs.runningRuns()).isZero();
        assertThat(runs.queuedBackgroundRuns()).isZero();

        RunOutput first = agent.runInBackground("one");
        assertThat(model.awaitCalls(1, WAIT)).isTrue();
        RunOutput second = agent.runInBackground("two");

        assertThat(runs.runningRuns()).isEqualTo(1);
        assertThat(runs.queuedBackgroundRuns()).isEqualTo(1);
        assertThat(runs.activeRunIds()).containsExactlyInAnyOrder(first.runId(), second.runId());

        runs.cancel(first.runId());
        assertThat(firstEnded.await()).isTrue();
        assertThat(model.awaitCalls(2, WAIT)).isTrue(); // the second got the slot and calls its model
        assertThat(runs.queuedBackgroundRuns()).isZero();
        assertThat(runs.runningRuns()).isEqualTo(1);

        runs.cancel(second.runId());
        assertThat(bothEnded.await()).isTrue();
        assertThat(runs.runningRuns()).isZero();
        assertThat(runs.queuedBackgroundRuns()).isZero();
        runs.shutdown(Duration.ZERO);
    }

    @Test
    void aBackgroundRunCancelledWhileItWaitsLeavesTheQueueAtOnce() throws Exception {
        Ends ended = new Ends(1);
        RunManager runs = RunManager.builder().maxBackgroundRuns(1).listener(ended).build();
        ScriptedModel model = ScriptedModel.of(Reply.stall());
        Agent agent = Agent.builder().name("A").model(model).db(db).runManager(runs).build();
        RunOutput first = agent.runInBackground("one");
        assertThat(model.awaitCalls(1, WAIT)).isTrue();
        RunOutput second = agent.runInBackground("two");
        assertThat(runs.queuedBackgroundRuns()).isEqualTo(1);

        runs.cancel(second.runId());

        // Its task still waits for the slot the first run holds, but the run waits for nothing any more.
        assertThat(runs.queuedBackgroundRuns()).isZero();
        assertThat(runs.runningRuns()).isEqualTo(1);
        assertThat(db.getRun(second.runId())).get().extracting(RunResult::status).isEqualTo(RunStatus.CANCELLED);
        runs.cancel(first.runId());
        assertThat(ended.await()).isTrue();
        assertThat(runs.runningRuns()).isZero();
        assertThat(runs.queuedBackgroundRuns()).isZero();
        runs.shutdown(Duration.ZERO);
    }

    @Test
    void aTeamRunAndItsMemberBothCountAsRunning() throws Exception {
        Ends ends = new Ends(2);
        RunManager runs = RunManager.builder().listener(ends).build();
        ScriptedModel member = ScriptedModel.of(Reply.stall());
        Team team = Team.builder().name("T").model(ScriptedModel.of(delegate("helper", "help"), Reply.text("done")))
                .members(Agent.builder().name("Helper").model(member).build()).db(db).runManager(runs).build();

        var run = team.start("go");
        assertThat(member.awaitCalls(1, WAIT)).isTrue();

        assertThat(runs.runningRuns()).isEqualTo(2);
        assertThat(runs.queuedBackgroundRuns()).isZero(); // a started run is no background run
        run.cancel();
        assertThat(ends.await()).isTrue();
        assertThat(runs.runningRuns()).isZero();
        runs.shutdown(Duration.ZERO);
    }

    @Test
    void aRunHeldByTheManagersOwnExecutorIsQueuedUntilItStarts() throws Exception {
        List<Runnable> held = new ArrayList<>();
        RunExecutor holding = new RunExecutor() {
            @Override
            public synchronized void submit(Runnable run) {
                held.add(run);
            }

            @Override
            public void stopAccepting() {
            }

            @Override
            public boolean awaitIdle(Duration timeout) {
                return true;
            }
        };
        Ends ends = new Ends(1);
        RunManager runs = RunManager.builder().executor(holding).listener(ends).build();
        Agent agent = Agent.builder().name("A").model(ScriptedModel.of(Reply.text("hi"))).db(db).runManager(runs)
                .build();

        RunOutput pending = agent.runInBackground("go");

        assertThat(runs.activeRunIds()).containsExactly(pending.runId());
        assertThat(runs.queuedBackgroundRuns()).isEqualTo(1);
        assertThat(runs.runningRuns()).isZero();
        Runnable task;
        synchronized (holding) {
            task = held.getFirst();
        }
        task.run();
        assertThat(ends.await()).isTrue();
        assertThat(runs.queuedBackgroundRuns()).isZero();
        assertThat(runs.runningRuns()).isZero();
        runs.shutdown(Duration.ZERO);
    }
}
