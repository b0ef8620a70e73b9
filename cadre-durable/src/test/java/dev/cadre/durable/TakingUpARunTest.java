package dev.cadre.durable;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.Agent;
import dev.cadre.db.DbException;
import dev.cadre.db.ForwardingDb;
import dev.cadre.run.RunRequest;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.testkit.Reply;
import dev.dbos.transact.DBOS;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A run's workflow that fails while it takes its run up — claims it, reads its cancel requests — neither ends
 * {@code ERROR} nor leaves the run {@code RUNNING} for good: the database going away just then is waited out, any
 * other failure hands the workflow back to the queue, and the run is executed to its end, its model asked once.
 */
class TakingUpARunTest extends InProcessTest {

    private static boolean inWorkflow() {
        return DBOS.inWorkflow() && !DBOS.inStep();
    }

    @Test
    void theDatabaseGoingAwayJustAfterTheClaimIsWaitedOutAndTheRunCompletes() throws Exception {
        AtomicBoolean failed = new AtomicBoolean();
        Agent agent = agent(new ForwardingDb(db) {
            @Override
            public Map<String, String> cancelRequests(String ownerInstanceId) {
                if (inWorkflow() && failed.compareAndSet(false, true)) {
                    throw new DbException(DbException.Kind.UNAVAILABLE, "the test database is down");
                }
                return super.cancelRequests(ownerInstanceId);
            }
        });
        fake.enqueue(Reply.text("Hello."));
        DurableRuns durable = durable(agent, 2);

        String runId = durable.submit(agent, RunRequest.of("Hi")).runId();

        assertThat(awaitWorkflow(runId, w -> !w.startsWith("PENDING") && !w.startsWith("ENQUEUED")))
                .startsWith("SUCCESS");
        assertThat(failed).as("the cancel requests' read failed once").isTrue();
        RunResult end = db.getRun(runId).orElseThrow();
        assertThat(end.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(end.content()).isEqualTo("Hello.");
        assertThat(fake.requests()).hasSize(1);
    }

    @Test
    void anotherFailureWhileTakingTheRunUpQueuesItsWorkflowAgainInsteadOfEndingIt() throws Exception {
        AtomicBoolean failed = new AtomicBoolean();
        Agent agent = agent(new ForwardingDb(db) {
            @Override
            public Optional<RunResult> claimRun(String runId, String ownerInstanceId) {
                if (inWorkflow() && failed.compareAndSet(false, true)) {
                    throw new DbException(DbException.Kind.FAILED, "the test database refused the claim");
                }
                return super.claimRun(runId, ownerInstanceId);
            }
        });
        fake.enqueue(Reply.text("Hello again."));
        DurableRuns durable = durable(agent, 2);

        String runId = durable.submit(agent, RunRequest.of("Hi")).runId();

        assertThat(awaitWorkflow(runId, w -> !w.startsWith("PENDING") && !w.startsWith("ENQUEUED")))
                .startsWith("SUCCESS");
        assertThat(failed).as("the claim failed once").isTrue();
        RunResult end = db.getRun(runId).orElseThrow();
        assertThat(end.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(end.content()).isEqualTo("Hello again.");
        assertThat(fake.requests()).hasSize(1);
    }
}
