package dev.cadre.durable;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.jdbc.PostgresDb;
import dev.cadre.jdbc.TestPostgres;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.testkit.Reply;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;

/**
 * A process that recorded another's death and died itself before it had resumed the dead one's workflows leaves
 * them pending under the dead one's name, with the death recorded: nobody would claim it again. A live process
 * finds the recorder dead too, claims the recorder's death for them, once, and resumes them. When the recorder is
 * the live process itself — its resumes stopped part-way, or it is a new process with the recorder's instance id —
 * it resumes them.
 */
class StrandedRecoveryTest extends FleetTest {

    @Test
    void theWorkflowsOfADeathWhoseRecorderDiedBeforeResumingThemAreResumedByALiveProcess() throws Exception {
        fake.when(leaderTurn(0), Reply.toolCall("delegate_task_to_member",
                "{\"member_id\":\"writer\",\"task\":\"Write\"}"));
        fake.when(WRITER, Reply.stall(), Reply.text("Written."));
        fake.when(leaderTurn(1), Reply.text("Done."));
        Nodes.Node first = node("node-x", "submit");
        String runId = first.awaitLine("RUN ", WAIT).substring("RUN ".length()).strip();
        awaitRequest(WRITER, 1);
        first.kill();

        try (PostgresDb db = observer()) {
            // The recorder: its claim on node-x's last beat, and no heartbeat of its own (it is gone).
            long beat = db.lastHeartbeat("node-x").orElseThrow().toEpochMilli();
            try (Connection c = DriverManager.getConnection(TestPostgres.url()); PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO \"" + DurableNode.dbosSchema(schema.name()) + "\".cadre_recoveries (death, executor_id,"
                    + " recovered_by, recovered_at, workflows) VALUES (?, 'node-x', 'node-gone', 0, ARRAY[]::text[])")) {
                ps.setString(1, "node-x@" + beat);
                ps.executeUpdate();
            }
            node("node-y", null).awaitLine("READY", WAIT);

            RunResult end = awaitTerminal(db, runId);
            assertThat(end.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(end.content()).isEqualTo("Done.");
            try (Connection c = DriverManager.getConnection(TestPostgres.url());
                    ResultSet rs = c.createStatement().executeQuery("SELECT death, recovered_by FROM \""
                            + DurableNode.dbosSchema(schema.name()) + "\".cadre_recoveries ORDER BY death")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("node-gone@0 after recording node-x@" + beat);
                assertThat(rs.getString(2)).isEqualTo("node-y");
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(2)).isEqualTo("node-gone");
                assertThat(rs.next()).as("claimed once").isFalse();
            }
        }
        assertThat(count(leaderTurn(0))).as("the delegation: not asked again").isOne();
    }

    @Test
    void theWorkflowsOfADeathThisProcessRecordedWithoutResumingThemAreResumedByIt() throws Exception {
        fake.when(leaderTurn(0), Reply.toolCall("delegate_task_to_member",
                "{\"member_id\":\"writer\",\"task\":\"Write\"}"));
        fake.when(WRITER, Reply.stall(), Reply.text("Written."));
        fake.when(leaderTurn(1), Reply.text("Done."));
        Nodes.Node first = node("node-x", "submit");
        String runId = first.awaitLine("RUN ", WAIT).substring("RUN ".length()).strip();
        awaitRequest(WRITER, 1);
        first.kill();

        try (PostgresDb db = observer()) {
            // node-y's own record of node-x's death (an earlier node-y's, say), with nothing of it resumed.
            long beat = db.lastHeartbeat("node-x").orElseThrow().toEpochMilli();
            try (Connection c = DriverManager.getConnection(TestPostgres.url()); PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO \"" + DurableNode.dbosSchema(schema.name()) + "\".cadre_recoveries (death, executor_id,"
                    + " recovered_by, recovered_at, workflows) VALUES (?, 'node-x', 'node-y', 0, ARRAY[]::text[])")) {
                ps.setString(1, "node-x@" + beat);
                ps.executeUpdate();
            }
            node("node-y", null).awaitLine("READY", WAIT);

            RunResult end = awaitTerminal(db, runId);
            assertThat(end.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(end.content()).isEqualTo("Done.");
            try (Connection c = DriverManager.getConnection(TestPostgres.url());
                    ResultSet rs = c.createStatement().executeQuery("SELECT recovered_by FROM \""
                            + DurableNode.dbosSchema(schema.name()) + "\".cadre_recoveries")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("node-y");
                assertThat(rs.next()).as("no other death recorded").isFalse();
            }
        }
        assertThat(count(leaderTurn(0))).as("the delegation: not asked again").isOne();
        assertThat(count(WRITER)).as("the member under way: asked again, once").isEqualTo(2);
    }
}
