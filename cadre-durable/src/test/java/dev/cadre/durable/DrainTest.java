package dev.cadre.durable;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.Agent;
import dev.cadre.db.ProcessInstance;
import dev.cadre.run.RunRequest;
import dev.cadre.run.RunStatus;
import dev.cadre.run.RunStream;
import dev.cadre.testkit.Reply;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A drain (a deploy) hands runs over and cancels none: a foreground run's stream closed because the process stops
 * does not cancel the run, and a run the queue hands this process during the grace period is let go of and put back
 * in the queue, not left pending under the name of a process that no longer executes anything.
 */
class DrainTest extends InProcessTest {

    @Test
    void closingAForegroundRunsStreamOnceTheProcessDrainedDoesNotCancelTheRun() throws Exception {
        fake.enqueue(Reply.stall());
        Agent agent = agent(db);
        DurableRuns durable = durable(agent, 2);
        RunStream events = durable.stream(agent, RunRequest.of("Hold on"));
        String runId = events.runId();
        fake.awaitRequest(r -> true, 1, WAIT);

        assertThat(durable.drain(Duration.ZERO)).as("the run was let go of").isEqualTo(1);
        assertThat(agent.runManager().awaitRun(runId, WAIT)).as("no longer executing here").isTrue();
        events.close(); // as a server does with its streams once it stops

        assertThat(db.cancelRequests(ProcessInstance.id())).as("no cancel asked for").doesNotContainKey(runId);
        assertThat(db.getRun(runId).orElseThrow().status()).as("left for another process")
                .isEqualTo(RunStatus.RUNNING);
    }

    @Test
    void aRunTakenFromTheQueueDuringTheGracePeriodIsQueuedAgain() throws Exception {
        fake.enqueue(Reply.stall());
        Agent agent = agent(db);
        DurableRuns durable = durable(agent, 2);
        String holding = durable.submit(agent, RunRequest.of("Hold the grace period")).runId();
        fake.awaitRequest(r -> true, 1, WAIT);
        CompletableFuture<Integer> drained = CompletableFuture.supplyAsync(() -> {
            try {
                return durable.drain(WAIT);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        while (!durable.draining()) {
            Thread.onSpinWait();
        }

        String taken = durable.submit(agent, RunRequest.of("Arrives during the drain")).runId();
        awaitWorkflow(taken, w -> w.equals("PENDING " + ProcessInstance.id())); // this process took it
        agent.cancelRun(holding); // ends the grace period: nothing executes here any more
        assertThat(drained.get()).as("nothing was left to let go of").isZero();

        assertThat(workflow(taken)).as("back in the queue, for any process").hasValueSatisfying(w ->
                assertThat(w).startsWith("ENQUEUED"));
        assertThat(db.getRun(taken).orElseThrow().status()).isEqualTo(RunStatus.PENDING);
        assertThat(fake.requests()).as("never started here").hasSize(1);
    }
}
