package dev.cadre.durable;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.jdbc.PostgresDb;
import dev.cadre.jdbc.TestPostgres;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.run.TeamRunOutput;
import dev.cadre.testkit.FakeOpenAIServer;
import dev.cadre.testkit.RecordedRequest;
import dev.cadre.testkit.Reply;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Crash → resume, with real processes: a background team run executing on one process is killed with
 * {@code kill -9} after its first member answered and while the second one's model call is under way; another
 * process of the fleet resumes it from its last completed step, and the fake server's request log proves that
 * what was answered was not asked again.
 */
class CrashResumeTest {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @RegisterExtension
    final TestPostgres.FreshSchema schema = new TestPostgres.FreshSchema();
    private final FakeOpenAIServer fake = FakeOpenAIServer.start();
    private final Nodes nodes = new Nodes();

    @AfterEach
    void stop() {
        nodes.close();
        fake.close();
    }

    private static Predicate<RecordedRequest> leader(int toolResults) {
        return r -> r.hasTool("delegate_task_to_member") && r.toolResults().size() == toolResults;
    }

    // The leader's prompt names its members' roles too: a member's request is one without the delegation tool.
    private static final Predicate<RecordedRequest> RESEARCHER = r -> !r.hasTool("delegate_task_to_member")
            && r.systemPrompt().contains("Finds facts");
    private static final Predicate<RecordedRequest> WRITER = r -> !r.hasTool("delegate_task_to_member")
            && r.systemPrompt().contains("Writes summaries");

    @Test
    void aTeamRunKilledMidWayResumesOnAnotherProcessWithoutAskingAgainWhatWasAnswered() throws Exception {
        fake.when(leader(0), Reply.toolCall("delegate_task_to_member",
                "{\"member_id\":\"researcher\",\"task\":\"Gather facts\"}"));
        fake.when(leader(1), Reply.toolCall("delegate_task_to_member",
                "{\"member_id\":\"writer\",\"task\":\"Summarise them\"}"));
        fake.when(leader(2), Reply.text("Summary: entropy grows."));
        fake.when(RESEARCHER, Reply.text("Fact 1. Fact 2."));
        fake.when(WRITER, Reply.stall(), Reply.text("A concise summary."));

        Nodes.Node first = nodes.start(schema.name(), "node-a", fake.baseUrl(), true);
        String runId = first.awaitLine("RUN ", WAIT).substring("RUN ".length()).strip();
        Nodes.Node second = nodes.start(schema.name(), "node-b", fake.baseUrl(), false);
        second.awaitLine("READY", WAIT);
        RecordedRequest stalled = awaitRequest(WRITER, 1);

        first.kill();

        assertThat(stalled.awaitDisconnect(WAIT)).as("the killed process's connection closed").isTrue();
        try (PostgresDb db = TestPostgres.builder(schema.name()).instanceId("the-test").sweepOrphans(false)
                .withoutJournal().build()) {
            RunResult end = awaitTerminal(db, runId);
            assertThat(end.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(end.content()).isEqualTo("Summary: entropy grows.");
            assertThat(((TeamRunOutput) end).memberResponses())
                    .extracting(RunResult::componentId, RunResult::status, RunResult::content)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("researcher", RunStatus.COMPLETED,
                            "Fact 1. Fact 2."), org.assertj.core.groups.Tuple.tuple("writer", RunStatus.COMPLETED,
                            "A concise summary."));
        }
        assertThat(count(leader(0))).as("the leader's first turn: not asked again").isOne();
        assertThat(count(leader(1))).as("the leader's second turn: not asked again").isOne();
        assertThat(count(RESEARCHER)).as("the member that answered: not run again").isOne();
        assertThat(count(WRITER)).as("the member under way: asked again, once").isEqualTo(2);
        assertThat(count(leader(2))).isOne();
    }

    private long count(Predicate<RecordedRequest> which) {
        return fake.requests().stream().filter(which).count();
    }

    private RecordedRequest awaitRequest(Predicate<RecordedRequest> which, int n) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            List<RecordedRequest> seen = fake.requests().stream().filter(which).toList();
            if (seen.size() >= n) {
                return seen.get(n - 1);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the fake never got request " + n + "; it got " + fake.requests());
            }
            Thread.sleep(20);
        }
    }

    private static RunResult awaitTerminal(PostgresDb db, String runId) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            RunResult r = db.getRun(runId).orElseThrow();
            if (r.status().isTerminal()) {
                return r;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("run " + runId + " never ended; it is " + r.status());
            }
            Thread.sleep(50);
        }
    }
}
