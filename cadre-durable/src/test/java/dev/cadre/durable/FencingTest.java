package dev.cadre.durable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.cadre.jdbc.PostgresDb;
import dev.cadre.jdbc.TestPostgres;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.run.TeamRunOutput;
import dev.cadre.testkit.Outcome;
import dev.cadre.testkit.RecordedRequest;
import dev.cadre.testkit.Reply;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Fencing, with real processes: a process that stands still ({@code kill -STOP}) while its run's member is at its
 * model call is taken for dead by the other, which resumes the run. When it goes on ({@code kill -CONT}), it finds
 * it was recovered and lets go of the run: its member's model connection is closed, and what it still had under
 * way is not recorded — the run ends once, with what the other process's execution did.
 */
class FencingTest extends FleetTest {

    @Test
    void aProcessTakenForDeadWhileItStoodStillLetsGoOfTheRunTheOtherResumed() throws Exception {
        fake.when(leaderTurn(0), Reply.toolCall("delegate_task_to_member",
                "{\"member_id\":\"writer\",\"task\":\"Write\"}"));
        fake.when(leaderTurn(1), Reply.text("Done: the resumed draft."));
        fake.when(WRITER, Reply.stall(), Reply.text("The resumed draft."));
        Nodes.Node a = node("node-a", "submit");
        String runId = a.awaitLine("RUN ", WAIT).substring("RUN ".length()).strip();
        node("node-b", null).awaitLine("READY", WAIT);
        RecordedRequest first = awaitRequest(WRITER, 1);

        a.pause();
        try {
            awaitRequest(WRITER, 2); // node-b took node-a for dead and resumed the run
            assertThat(recoveries()).containsExactly("node-a by node-b");
        } finally {
            a.proceed();
        }

        assertThat(first.awaitDisconnect(WAIT)).as("node-a let go of its member's model call").isTrue();
        awaitLog(a, "This process was taken for dead");
        try (PostgresDb db = observer()) {
            RunResult end = awaitTerminal(db, runId);
            assertThat(end.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(end.content()).isEqualTo("Done: the resumed draft.");
            assertThat(((TeamRunOutput) end).memberResponses())
                    .extracting(RunResult::componentId, RunResult::status, RunResult::content)
                    .containsExactly(tuple("writer", RunStatus.COMPLETED, "The resumed draft."));
        }
        assertThat(count(leaderTurn(0))).isOne();
        assertThat(count(WRITER)).isEqualTo(2);
        assertThat(count(leaderTurn(1))).isOne();
        assertThat(recoveries()).as("node-a, back, took nobody for dead").containsExactly("node-a by node-b");
    }

    @Test
    void whatTheProcessTakenForDeadFinishesAfterwardsIsNotRecorded() throws Exception {
        fake.when(leaderTurn(0), Reply.toolCall("delegate_task_to_member",
                "{\"member_id\":\"writer\",\"task\":\"Write\"}"));
        fake.when(leaderTurn(1), Reply.text("Done."));
        // node-a's answer is all sent while node-a stands still; node-b's is still coming when node-a goes on.
        fake.when(WRITER, Reply.text(words("alpha")).chunkDelay(Duration.ofMillis(50)),
                Reply.text(words("omega")).chunkDelay(Duration.ofMillis(400)));
        Nodes.Node a = node("node-a", "submit");
        String runId = a.awaitLine("RUN ", WAIT).substring("RUN ".length()).strip();
        node("node-b", null).awaitLine("READY", WAIT);
        RecordedRequest first = awaitRequest(WRITER, 1);

        a.pause();
        try {
            awaitRequest(WRITER, 2);
            assertThat(first.awaitOutcome(WAIT).kind()).isEqualTo(Outcome.Kind.COMPLETED);
        } finally {
            a.proceed();
        }

        awaitLog(a, "This process was taken for dead");
        try (PostgresDb db = observer()) {
            RunResult end = awaitTerminal(db, runId);
            assertThat(end.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(((TeamRunOutput) end).memberResponses()).singleElement().satisfies(m -> {
                assertThat(m.status()).isEqualTo(RunStatus.COMPLETED);
                assertThat(m.content()).as("node-b's answer, not node-a's").startsWith("omega");
            });
        }
        assertThat(query("SELECT output FROM \"" + DurableNode.dbosSchema(schema.name()) + "\".operation_outputs"
                + " WHERE workflow_uuid LIKE 'cadre-step:" + runId + "%' AND function_name = 'model'"))
                .as("the member's model turn, as recorded").singleElement().asString().contains("omega")
                .doesNotContain("alpha");
        assertThat(count(leaderTurn(1))).isOne();
        assertThat(recoveries()).containsExactly("node-a by node-b");
    }

    /** Forty words, streamed one by one: long enough to be under way when a process is paused. */
    private static String words(String first) {
        return first + IntStream.range(0, 40).mapToObj(i -> " w" + i).collect(Collectors.joining());
    }

    /** The recorded deaths: {@code <executor> by <claimant>}. */
    private List<String> recoveries() throws Exception {
        return query("SELECT executor_id || ' by ' || recovered_by FROM \"" + DurableNode.dbosSchema(schema.name())
                + "\".cadre_recoveries ORDER BY recovered_at");
    }

    /** Waits until the node's log has {@code text}: the log is the node's only word on what it did. */
    private static void awaitLog(Nodes.Node node, String text) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!Files.readString(node.log).contains(text)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the node never logged '" + text + "'; its log:\n"
                        + Files.readString(node.log));
            }
            Thread.sleep(50);
        }
    }

    private static List<String> query(String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(TestPostgres.url()); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
