package dev.cadre.durable;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.RunManager;
import dev.cadre.jdbc.PostgresDb;
import dev.cadre.run.CancelResult;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.run.TeamRunOutput;
import dev.cadre.testkit.RecordedRequest;
import dev.cadre.testkit.Reply;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Cancel anywhere, with real processes: a durable team run executing on one process, its member in the middle of
 * its model call, is cancelled through another process (this test's JVM, which runs nothing — as
 * {@code cadre runs cancel --db} does). The executing process hears it through PostgreSQL at once (its own
 * cancel-request poll is an hour away), closes the member's model connection and stores the run
 * {@code CANCELLED}, the member with it.
 */
class CancelAnywhereTest extends FleetTest {

    @Test
    void aRunExecutingOnAnotherProcessIsCancelledThereAtOnceMembersIncluded() throws Exception {
        fake.when(leaderTurn(0), Reply.toolCall("delegate_task_to_member",
                "{\"member_id\":\"writer\",\"task\":\"Write\"}"));
        fake.when(WRITER, Reply.stall());
        String runId = submittingNode("node-b");
        RecordedRequest member = awaitRequest(WRITER, 1);

        try (PostgresDb db = observer()) {
            RunManager none = RunManager.builder().cancellationManager(db.cancellations()).build();
            long asked = System.nanoTime();
            CancelResult result = none.cancel(runId, db);
            none.shutdown(Duration.ZERO);

            assertThat(result.outcome()).isEqualTo(CancelResult.Outcome.REQUESTED);
            assertThat(member.awaitDisconnect(WAIT)).as("the member's model connection was closed").isTrue();
            System.out.printf("cancel through another process → member's connection closed: %.1f ms%n",
                    (member.disconnectedAtNanos().orElseThrow() - asked) / 1e6);
            RunResult end = awaitTerminal(db, runId);
            assertThat(end.status()).isEqualTo(RunStatus.CANCELLED);
            assertThat(((TeamRunOutput) end).memberResponses()).singleElement()
                    .satisfies(m -> assertThat(m.status()).isEqualTo(RunStatus.CANCELLED));
        }
        assertThat(fake.requests()).as("nothing asked after the cancel").hasSize(2);
    }
}
