package dev.cadre.durable;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.RunManager;
import dev.cadre.jdbc.PostgresDb;
import dev.cadre.jdbc.TestPostgres;
import dev.cadre.run.CancelResult;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.run.TeamRunOutput;
import dev.cadre.testkit.FakeOpenAIServer;
import dev.cadre.testkit.RecordedRequest;
import dev.cadre.testkit.Reply;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cancel anywhere, with real processes: a durable team run executing on one process, its member in the middle of
 * its model call, is cancelled through another process (this test's JVM, which runs nothing — as
 * {@code cadre runs cancel --db} does). The executing process hears it through PostgreSQL at once (its own
 * cancel-request poll is an hour away), closes the member's model connection and stores the run
 * {@code CANCELLED}, the member with it.
 */
class CancelAnywhereTest {

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

    @Test
    void aRunExecutingOnAnotherProcessIsCancelledThereAtOnceMembersIncluded() throws Exception {
        fake.when(r -> r.hasTool("delegate_task_to_member") && !r.isAfterToolResult(),
                Reply.toolCall("delegate_task_to_member", "{\"member_id\":\"writer\",\"task\":\"Write\"}"));
        fake.when(r -> !r.hasTool("delegate_task_to_member") && r.systemPrompt().contains("Writes summaries"),
                Reply.stall());
        Nodes.Node executing = nodes.start(schema.name(), "node-b", fake.baseUrl(), true);
        String runId = executing.awaitLine("RUN ", WAIT).substring("RUN ".length()).strip();
        RecordedRequest member = awaitMemberRequest();

        try (PostgresDb db = TestPostgres.builder(schema.name()).instanceId("node-c").sweepOrphans(false)
                .withoutJournal().build()) {
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

    private RecordedRequest awaitMemberRequest() throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            var found = fake.requests().stream().filter(r -> !r.hasTool("delegate_task_to_member")).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the member never called the model; the fake got " + fake.requests());
            }
            Thread.sleep(20);
        }
    }

    static RunResult awaitTerminal(PostgresDb db, String runId) throws InterruptedException {
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
