package dev.cadre.durable;

import dev.cadre.Agent;
import dev.cadre.db.Db;
import dev.cadre.jdbc.PostgresDb;
import dev.cadre.jdbc.TestPostgres;
import dev.cadre.openai.OpenAIChat;
import dev.cadre.testkit.FakeOpenAIServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the tests of one durable process — this test's JVM — share: a schema of their own on the test PostgreSQL
 * (DBOS's tables beside it), the fake OpenAI server, an agent on it, its {@link DurableRuns} (closed after each
 * test), and waits on the db's state, never on time.
 */
abstract class InProcessTest {

    static final Duration WAIT = Duration.ofSeconds(90);

    @RegisterExtension
    final TestPostgres.FreshSchema schema = new TestPostgres.FreshSchema();
    final FakeOpenAIServer fake = FakeOpenAIServer.start();
    PostgresDb db;
    private final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeEach
    void openTheDb() {
        db = TestPostgres.builder(schema.name()).sweepOrphans(false).withoutJournal().build();
    }

    @AfterEach
    void closeEverything() throws Exception {
        for (AutoCloseable c : opened.reversed()) {
            c.close();
        }
        db.close();
        fake.close();
        TestPostgres.dropSchema(dbos());
    }

    String dbos() {
        return DurableNode.dbosSchema(schema.name());
    }

    /** An agent on the fake server, keeping its runs in {@code store} (the test's db, or a decorator of it). */
    Agent agent(Db store) {
        OpenAIChat model = OpenAIChat.builder().id("gpt-4o").baseUrl(fake.baseUrl()).apiKey("sk-test").maxRetries(0)
                .build();
        return Agent.builder().name("Helper").model(model).db(store).build();
    }

    /** This process's durable runs of {@code agent}, executing at most {@code workers} background runs at once. */
    DurableRuns durable(Agent agent, int workers) {
        DurableRuns d = DurableRuns.builder(db).component(agent).schema(dbos()).workerConcurrency(workers)
                .queuePolling(Duration.ofMillis(50)).recoveryInterval(Duration.ofMillis(100)).build();
        opened.add(d::close);
        return d;
    }

    /** A run's workflow as DBOS records it: {@code <status> <executor>}, if DBOS has it. */
    Optional<String> workflow(String runId) throws Exception {
        try (Connection c = DriverManager.getConnection(TestPostgres.url()); PreparedStatement ps = c.prepareStatement(
                "SELECT status || ' ' || coalesce(executor_id, '-') FROM \"" + dbos() + "\".workflow_status"
                + " WHERE workflow_uuid = ?")) {
            ps.setString(1, "cadre-run:" + runId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    /** The run's workflow once {@code until} accepts it; DBOS's table is read until then (every 20 ms). */
    String awaitWorkflow(String runId, Predicate<String> until) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            Optional<String> w = workflow(runId);
            if (w.isPresent() && until.test(w.get())) {
                return w.get();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the workflow of run " + runId + " never got there; it is " + w);
            }
            Thread.sleep(20);
        }
    }
}
