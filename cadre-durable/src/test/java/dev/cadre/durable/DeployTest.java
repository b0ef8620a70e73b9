package dev.cadre.durable;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.jdbc.PostgresDb;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.testkit.RecordedRequest;
import dev.cadre.testkit.Reply;
import org.junit.jupiter.api.Test;

/**
 * Deploys don't cancel, with real processes: SIGTERM on a process whose run is in the middle of a member's model
 * call lets it go (its grace period ends first) instead of cancelling it, and another process resumes the run to
 * its end.
 */
class DeployTest extends FleetTest {

    @Test
    void sigtermHandsTheRunInFlightToAnotherProcessWhichFinishesIt() throws Exception {
        fake.when(leaderTurn(0), Reply.toolCall("delegate_task_to_member",
                "{\"member_id\":\"writer\",\"task\":\"Write\"}"));
        fake.when(leaderTurn(1), Reply.text("Done: a summary."));
        fake.when(WRITER, Reply.stall(), Reply.text("A summary."));
        Nodes.Node deployed = node("node-a", "submit");
        String runId = deployed.awaitLine("RUN ", WAIT).substring("RUN ".length()).strip();
        node("node-b", null).awaitLine("READY", WAIT);
        RecordedRequest stalled = awaitRequest(WRITER, 1);

        deployed.terminate();

        // The run's workflow and its delegation step's: both let go of, for the other process to resume.
        assertThat(deployed.awaitLine("DRAINED ", WAIT)).isEqualTo("DRAINED 2");
        assertThat(stalled.awaitDisconnect(WAIT)).as("the let-go run's model connection was closed").isTrue();
        try (PostgresDb db = observer()) {
            RunResult end = awaitTerminal(db, runId);
            assertThat(end.status()).as("not cancelled by the deploy").isEqualTo(RunStatus.COMPLETED);
            assertThat(end.content()).isEqualTo("Done: a summary.");
        }
        assertThat(count(WRITER)).isEqualTo(2);
    }
}
