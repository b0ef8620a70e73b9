package dev.cadre.durable;

import dev.cadre.jdbc.PostgresDb;
import dev.cadre.jdbc.TestPostgres;
import dev.cadre.run.RunResult;
import dev.cadre.testkit.FakeOpenAIServer;
import dev.cadre.testkit.RecordedRequest;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the multi-process tests share: a schema of their own on the test PostgreSQL, the fake OpenAI server the
 * {@link DurableNode}s call, the nodes (killed after each test), and waits on conditions — never on time.
 */
abstract class FleetTest {

    static final Duration WAIT = Duration.ofSeconds(90);

    /** A team leader's request: the only ones offered the delegation tool. */
    static final Predicate<RecordedRequest> LEADER = r -> r.hasTool("delegate_task_to_member");
    /** The leader's prompt names its members' roles too: a member's request is one without the delegation tool. */
    static final Predicate<RecordedRequest> RESEARCHER = member("Finds facts");
    static final Predicate<RecordedRequest> WRITER = member("Writes summaries");

    @RegisterExtension
    final TestPostgres.FreshSchema schema = new TestPostgres.FreshSchema();
    final FakeOpenAIServer fake = FakeOpenAIServer.start();
    final Nodes nodes = new Nodes();

    @AfterEach
    void stopTheFleet() {
        nodes.close();
        fake.close();
    }

    private static Predicate<RecordedRequest> member(String role) {
        return r -> !r.hasTool("delegate_task_to_member") && r.systemPrompt().contains(role);
    }

    /** A leader's request after {@code toolResults} tool results: its turn number, from 0. */
    static Predicate<RecordedRequest> leaderTurn(int toolResults) {
        return LEADER.and(r -> r.toolResults().size() == toolResults);
    }

    /** Starts a node; {@code order}: {@code submit}, {@code submit:<n>}, or null. */
    Nodes.Node node(String instanceId, String order) throws java.io.IOException {
        return nodes.start(schema.name(), instanceId, fake.baseUrl(), order);
    }

    /** A node that submits one run, and that run's id once it has. */
    String submittingNode(String instanceId) throws Exception {
        return node(instanceId, "submit").awaitLine("RUN ", WAIT).substring("RUN ".length()).strip();
    }

    long count(Predicate<RecordedRequest> which) {
        return fake.requests().stream().filter(which).count();
    }

    /** The {@code n}-th request (from 1) that {@code which} accepts, once the fake has it. */
    RecordedRequest awaitRequest(Predicate<RecordedRequest> which, int n) {
        return fake.awaitRequest(which, n, WAIT);
    }

    /** A db on the fleet's schema for the test to read and cancel through: a process that runs nothing. */
    PostgresDb observer() {
        return TestPostgres.builder(schema.name()).instanceId("the-test").sweepOrphans(false).withoutJournal().build();
    }

    /**
     * The run once it is terminal in {@code db}. The run ends in another process, and nothing but the db carries
     * that to this one: the db is read until it says so (every 50 ms, up to {@link #WAIT}).
     */
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
