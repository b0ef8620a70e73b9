package dev.cadre;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.db.ForwardingDb;
import dev.cadre.db.InMemoryDb;
import dev.cadre.run.Run;
import dev.cadre.run.RunOutput;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.testkit.ScriptedModel;
import dev.cadre.testkit.ScriptedModel.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A cancel only decides and hands off: the abort action of a background run still waiting in the queue
 * flips its state and gives its final write to a thread of its own, so cancelling many queued runs (a
 * shutdown) writes their ends in parallel instead of one after another on the cancelling thread.
 */
class QueuedCancelTest {

    private static final int QUEUED = 40;

    /** A db whose final writes wait for the test's gate, counting the ones that started. */
    static final class GatedDb extends ForwardingDb {
        final CompletableFuture<Void> gate = new CompletableFuture<>();
        final CountDownLatch finishing;

        GatedDb(int expected) {
            super(new InMemoryDb());
            this.finishing = new CountDownLatch(expected);
        }

        @Override
        public boolean finishRun(RunResult run, String ownerInstanceId) {
            finishing.countDown();
            gate.join();
            return super.finishRun(run, ownerInstanceId);
        }
    }

    @Test
    void cancellingManyQueuedRunsWritesTheirEndsAtOnceNotOneAfterAnother() throws Exception {
        GatedDb db = new GatedDb(QUEUED + 1);
        RunManager runs = RunManager.builder().maxBackgroundRuns(1).build();
        ScriptedModel model = ScriptedModel.replying(r -> Reply.stall());
        Agent agent = Agent.builder().name("Worker").model(model).db(db).runManager(runs).build();
        List<Run<RunOutput>> started = new ArrayList<>();
        started.add(agent.startInBackground("runs"));
        assertThat(model.awaitCalls(1, Duration.ofSeconds(20))).isTrue();
        for (int i = 0; i < QUEUED; i++) {
            started.add(agent.startInBackground("waits " + i)); // the one slot is taken: these stay PENDING
        }

        CompletableFuture<Boolean> shutdown = CompletableFuture.supplyAsync(() -> runs.shutdown(Duration.ZERO));

        // Every final write starts while none can finish: the cancels did not wait for each other's writes.
        // (Serially, each abort action waited up to 5 s for its own write: 40 runs would need minutes.)
        assertThat(db.finishing.await(60, TimeUnit.SECONDS)).as("final writes started: %s of %s",
                QUEUED + 1 - db.finishing.getCount(), QUEUED + 1).isTrue();
        db.gate.complete(null);
        assertThat(shutdown.get(60, TimeUnit.SECONDS)).isFalse(); // runs were cancelled, not ended on their own
        for (Run<RunOutput> run : started) {
            assertThat(db.getRun(run.runId())).get().extracting(RunResult::status).isEqualTo(RunStatus.CANCELLED);
        }
    }

    @Test
    void aCancelOfAQueuedRunDecidesAtOnceEvenWhileItsWriteWaits() throws Exception {
        GatedDb db = new GatedDb(1);
        RunManager runs = RunManager.builder().maxBackgroundRuns(1).build();
        ScriptedModel model = ScriptedModel.replying(r -> Reply.stall());
        Agent agent = Agent.builder().name("Worker").model(model).db(db).runManager(runs).build();
        agent.startInBackground("runs");
        assertThat(model.awaitCalls(1, Duration.ofSeconds(20))).isTrue();
        Run<RunOutput> queued = agent.startInBackground("waits");

        // The abort action runs on the cancelling thread: it must return although the write is held.
        CompletableFuture<RunStatus> decided = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            runs.find(queued.runId()).orElseThrow(); // still registered
            decided.complete(queued.cancel().status().orElseThrow());
        });
        assertThat(db.finishing.await(20, TimeUnit.SECONDS)).isTrue();
        db.gate.complete(null);
        assertThat(decided.get(20, TimeUnit.SECONDS)).isEqualTo(RunStatus.CANCELLED);
        assertThat(queued.await().status()).isEqualTo(RunStatus.CANCELLED);
        runs.shutdown(Duration.ZERO);
    }
}
