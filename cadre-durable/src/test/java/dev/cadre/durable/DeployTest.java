package dev.cadre.durable;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.jdbc.PostgresDb;
import dev.cadre.jdbc.TestPostgres;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.testkit.FakeOpenAIServer;
import dev.cadre.testkit.RecordedRequest;
import dev.cadre.testkit.Reply;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Deploys don't cancel, with real processes: SIGTERM on a process whose run is in the middle of a member's model
 * call lets it go (its grace period ends first) instead of cancelling it, and another process resumes the run to
 * its end.
 */
class DeployTest {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Predicate<RecordedRequest> WRITER = r -> !r.hasTool("delegate_task_to_member")
            && r.systemPrompt().contains("Writes summaries");

    @RegisterExtension
    final TestPostgres.FreshSchema schema = new TestPostgres.FreshSchema();
    private final FakeOpenAIServer fake = FakeOpenAIServer.start();
    private final Nodes nodes = new Nodes();

    @AfterEach
    void stop() {
        nodes.close();
        fake.close();
    }

    @Test
    void sigtermHandsTheRunInFlightToAnotherProcessWhichFinishesIt() throws Exception {
        fake.when(r -> r.hasTool("delegate_task_to_member") && !r.isAfterToolResult(),
                Reply.toolCall("delegate_task_to_member", "{\"member_id\":\"writer\",\"task\":\"Write\"}"));
        fake.when(r -> r.hasTool("delegate_task_to_member") && r.isAfterToolResult(), Reply.text("Done: a summary."));
        fake.when(WRITER, Reply.stall(), Reply.text("A summary."));
        Nodes.Node deployed = nodes.start(schema.name(), "node-a", fake.baseUrl(), true);
        String runId = deployed.awaitLine("RUN ", WAIT).substring("RUN ".length()).strip();
        nodes.start(schema.name(), "node-b", fake.baseUrl(), false).awaitLine("READY", WAIT);
        RecordedRequest stalled = awaitRequest(WRITER);

        deployed.terminate();

        // The run's workflow and its delegation step's: both let go of, for the other process to resume.
        assertThat(deployed.awaitLine("DRAINED ", WAIT)).isEqualTo("DRAINED 2");
        assertThat(stalled.awaitDisconnect(WAIT)).as("the let-go run's model connection was closed").isTrue();
        try (PostgresDb db = TestPostgres.builder(schema.name()).instanceId("the-test").sweepOrphans(false)
                .withoutJournal().build()) {
            RunResult end = CancelAnywhereTest.awaitTerminal(db, runId);
            assertThat(end.status()).as("not cancelled by the deploy").isEqualTo(RunStatus.COMPLETED);
            assertThat(end.content()).isEqualTo("Done: a summary.");
        }
        assertThat(fake.requests().stream().filter(WRITER).count()).isEqualTo(2);
    }

    private RecordedRequest awaitRequest(Predicate<RecordedRequest> which) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            var found = fake.requests().stream().filter(which).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the fake never got the request; it got " + fake.requests());
            }
            Thread.sleep(20);
        }
    }
}
