package dev.cadre.durable;

import java.util.List;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.cadre.jdbc.PostgresDb;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.run.TeamRunOutput;
import dev.cadre.testkit.RecordedRequest;
import dev.cadre.testkit.Reply;
import org.junit.jupiter.api.Test;

/**
 * Crash → resume, with real processes: a background team run executing on one process is killed with
 * {@code kill -9} after its first member answered and while the second one's model call is under way; another
 * process of the fleet resumes it from its last completed step, and the fake server's request log proves that
 * what was answered was not asked again.
 */
class CrashResumeTest extends FleetTest {

    @Test
    void aTeamRunKilledMidWayResumesOnAnotherProcessWithoutAskingAgainWhatWasAnswered() throws Exception {
        fake.when(leaderTurn(0), Reply.toolCall("delegate_task_to_member",
                "{\"member_id\":\"researcher\",\"task\":\"Gather facts\"}"));
        fake.when(leaderTurn(1), Reply.toolCall("delegate_task_to_member",
                "{\"member_id\":\"writer\",\"task\":\"Summarise them\"}"));
        fake.when(leaderTurn(2), Reply.text("Summary: entropy grows."));
        fake.when(RESEARCHER, Reply.text("Fact 1. Fact 2."));
        fake.when(WRITER, Reply.stall(), Reply.text("A concise summary."));

        Nodes.Node first = node("node-a", "submit");
        String runId = first.awaitLine("RUN ", WAIT).substring("RUN ".length()).strip();
        // The process that resumes it also reads its events from the log, from the first: A's, then its own.
        Nodes.Node second = node("node-b", "follow:" + runId);
        second.awaitLine("READY", WAIT);
        RecordedRequest stalled = awaitRequest(WRITER, 1);

        first.kill();

        assertThat(stalled.awaitDisconnect(WAIT)).as("the killed process's connection closed").isTrue();
        try (PostgresDb db = observer()) {
            RunResult end = awaitTerminal(db, runId);
            assertThat(end.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(end.content()).isEqualTo("Summary: entropy grows.");
            assertThat(((TeamRunOutput) end).memberResponses())
                    .extracting(RunResult::componentId, RunResult::status, RunResult::content)
                    .containsExactly(tuple("researcher", RunStatus.COMPLETED, "Fact 1. Fact 2."),
                            tuple("writer", RunStatus.COMPLETED, "A concise summary."));
        }
        assertThat(count(leaderTurn(0))).as("the leader's first turn: not asked again").isOne();
        assertThat(count(leaderTurn(1))).as("the leader's second turn: not asked again").isOne();
        assertThat(count(RESEARCHER)).as("the member that answered: not run again").isOne();
        assertThat(count(WRITER)).as("the member under way: asked again, once").isEqualTo(2);
        assertThat(count(leaderTurn(2))).isOne();

        List<String> events = new java.util.ArrayList<>();
        for (String line = second.awaitLine("", WAIT); !line.equals("FOLLOWED"); line = second.awaitLine("", WAIT)) {
            events.add(line);
        }
        assertThat(events).as("one run's events, A's then B's, told apart by where it resumed")
                .containsOnlyOnce("EVENT TeamRunStarted research-team", "EVENT RunCompleted researcher",
                        "EVENT RunCompleted writer", "EVENT TeamRunContinued research-team node-b node-a")
                .endsWith("EVENT TeamRunCompleted research-team");
        assertThat(events.indexOf("EVENT RunCompleted researcher"))
                .isLessThan(events.indexOf("EVENT TeamRunContinued research-team node-b node-a"));
        // The writer's run was a step of its own, resumed on its own: its events may come before or after that.
        assertThat(events).as("the writer's start was streamed by A, not again")
                .containsOnlyOnce("EVENT RunStarted writer");
    }
}
