package dev.cadre.durable;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.RunManager;
import dev.cadre.jdbc.PostgresDb;
import dev.cadre.jdbc.ThrowawayPostgres;
import dev.cadre.run.CancelResult;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.run.TeamRunOutput;
import dev.cadre.testkit.RecordedRequest;
import dev.cadre.testkit.Reply;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A write outage, with real processes: PostgreSQL — a cluster of this test's own — stops for 30 s while a fleet of
 * three processes executes background team runs (members in the middle of their model streams, some of which end
 * during the outage, some after it; runs still queued), then starts again. Every accepted run ends — {@code
 * COMPLETED}, but the one cancelled after the outage (through another process, which reaches the one executing it
 * only by the notification its listening connection, reconnected, hears) — none stays pending or is lost, and none
 * is executed twice: no process was taken for dead (every heartbeat was 30 s old when the database came back), each
 * model call of each run was made once, each member run was stored once.
 */
class WriteOutageTest extends FleetTest {

    private static final int RUNS = 9;
    /** The scenario's outage: a fixed length is what is being played, not a wait for something. */
    private static final Duration OUTAGE = Duration.ofSeconds(30);
    /** After the database is back: DBOS retries its calls with a backoff of up to a minute. */
    private static final Duration AFTER = Duration.ofMinutes(4);
    /** The run cancelled after the outage: its member's model stream is still going then. */
    private static final int CANCELLED = 0;
    /** A run whose member's model stream outlasts the outage, then ends. */
    private static final int LONG_STREAM = 1;

    private static ThrowawayPostgres pg;

    @BeforeAll
    static void startCluster() {
        pg = ThrowawayPostgres.start();
    }

    @AfterAll
    static void dropCluster() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void runsInFlightWhenPostgresStopsForThirtySecondsAllCompleteEachExecutedOnce() throws Exception {
        // Each run's question is in every request of it: the leader delegates it, the member's answer and the
        // leader's summary name it, so that the request log tells the runs apart.
        fake.dispatcher(r -> {
            if (LEADER.test(r)) {
                String q = r.lastUserMessage().orElse("?");
                return r.toolResults().isEmpty()
                        ? Reply.toolCall("delegate_task_to_member",
                                "{\"member_id\":\"researcher\",\"task\":\"Facts for " + q + "\"}")
                        : Reply.text("Summary of " + q);
            }
            String task = r.lastUserMessage().orElse("?");
            int n = Integer.parseInt(task.substring(task.lastIndexOf(' ') + 1));
            // Two streams outlast the outage (one of them so long that it is cancelled first); the others end
            // while the database is down.
            return Reply.text("Facts about " + task.substring("Facts for ".length()) + " one two three four five"
                    + (n == CANCELLED ? " six seven eight nine ten eleven twelve" : ""))
                    .chunkDelay(n == CANCELLED || n == LONG_STREAM ? Duration.ofSeconds(5) : Duration.ofMillis(500));
        });
        List<String> concurrency = List.of("-D" + DurableNode.CONCURRENCY + "=2");
        Nodes.Node b = nodes.startOn(pg.url(), schema.name(), "node-b", fake.baseUrl(), null, concurrency);
        Nodes.Node c = nodes.startOn(pg.url(), schema.name(), "node-c", fake.baseUrl(), null, concurrency);
        b.awaitLine("READY", WAIT);
        c.awaitLine("READY", WAIT);
        Nodes.Node a = nodes.startOn(pg.url(), schema.name(), "node-a", fake.baseUrl(), "submit:" + RUNS,
                concurrency);
        List<String> runIds = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            runIds.add(a.awaitLine("RUN ", WAIT).substring("RUN ".length()).strip());
        }
        a.awaitLine("SUBMITTED", WAIT);
        // Six runs execute (two per process), three wait in the queue: the outage starts once every executing
        // run's member is streaming its answer.
        awaitRequest(RESEARCHER, 6);

        pg.down();
        try {
            Thread.sleep(OUTAGE);
        } finally {
            pg.up();
        }
        long back = System.nanoTime();

        try (PostgresDb db = PostgresDb.builder().url(pg.url()).schema(schema.name()).instanceId("the-test")
                .sweepOrphans(false).withoutJournal().build()) {
            long deadline = System.nanoTime() + AFTER.toNanos();
            // A cancel notified before a process listens again would reach it only by its poll, an hour away.
            awaitListening(3, deadline);
            RunManager none = RunManager.builder().cancellationManager(db.cancellations()).build();
            assertThat(none.cancel(runIds.get(CANCELLED), db).outcome()).isEqualTo(CancelResult.Outcome.REQUESTED);
            none.shutdown(Duration.ZERO);
            for (int i = 0; i < RUNS; i++) {
                RunResult end = awaitTerminal(db, runIds.get(i), deadline);
                String q = "Question " + i;
                RunStatus expected = i == CANCELLED ? RunStatus.CANCELLED : RunStatus.COMPLETED;
                assertThat(end.status()).as(q).isEqualTo(expected);
                assertThat(((TeamRunOutput) end).memberResponses()).as(q).singleElement()
                        .satisfies(m -> assertThat(m.status()).isEqualTo(expected));
                if (i != CANCELLED) {
                    assertThat(end.content()).as(q).isEqualTo("Summary of " + q);
                    assertThat(((TeamRunOutput) end).memberResponses().getFirst().content()).as(q)
                            .startsWith("Facts about " + q + " ");
                }
            }
            awaitNoWorkflowPending(deadline);
            System.out.printf("database back → every run ended: %.1f s%n", (System.nanoTime() - back) / 1e9);
        }
        assertThat(fake.requests().stream().filter(RESEARCHER.and(asks("Question " + CANCELLED))).findFirst()
                .orElseThrow().awaitDisconnect(WAIT)).as("the cancelled run's member stream was closed").isTrue();
        for (int i = 0; i < RUNS; i++) {
            String q = "Question " + i;
            assertThat(count(leaderTurn(0).and(asks(q)))).as("%s: the leader's first turn, once", q).isOne();
            assertThat(count(RESEARCHER.and(asks(q)))).as("%s: the member's model call, once", q).isOne();
            assertThat(count(leaderTurn(1).and(asks(q)))).as("%s: the leader's last turn, once", q)
                    .isEqualTo(i == CANCELLED ? 0 : 1);
        }
        assertThat(query("SELECT parent_run_id, count(*) FROM \"" + schema.name() + "\".cadre_runs"
                + " WHERE parent_run_id IS NOT NULL GROUP BY parent_run_id"))
                .as("one member run per team run").hasSize(RUNS).allSatisfy((run, members) -> assertThat(members)
                        .isOne());
        assertThat(query("SELECT executor_id, count(*) FROM \"" + dbos() + "\".cadre_recoveries GROUP BY executor_id"))
                .as("no process was taken for dead").isEmpty();
    }

    /** Waits until {@code n} processes listen for cancels again (their connections, named, say so in the db). */
    private static void awaitListening(int n, long deadline) throws Exception {
        String sql = "SELECT 'listening', count(*) FROM pg_stat_activity WHERE application_name = 'cadre-cancels'"
                + " AND query LIKE 'LISTEN%'";
        while (query(sql).getOrDefault("listening", 0) < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the processes do not all listen for cancels again: " + query(sql));
            }
            Thread.sleep(100);
        }
    }

    /** A request of the run asked {@code question}: the leader's input, or the task it gave its member. */
    private static Predicate<RecordedRequest> asks(String question) {
        return r -> r.lastUserMessage().orElse("").endsWith(question);
    }

    private String dbos() {
        return DurableNode.dbosSchema(schema.name());
    }

    private static RunResult awaitTerminal(PostgresDb db, String runId, long deadline) throws InterruptedException {
        while (true) {
            RunResult r = db.getRun(runId).orElseThrow(() -> new AssertionError("run " + runId + " is missing"));
            if (r.status().isTerminal()) {
                return r;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("run " + runId + " never ended; it is " + r.status());
            }
            Thread.sleep(100);
        }
    }

    /** DBOS records a workflow's outcome just after its run's end is stored: waits for that too. */
    private void awaitNoWorkflowPending(long deadline) throws Exception {
        String sql = "SELECT name || ' ' || status, count(*) FROM \"" + dbos() + "\".workflow_status"
                + " WHERE status <> 'SUCCESS' GROUP BY name, status";
        while (true) {
            Map<String, Integer> left = query(sql);
            if (left.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("DBOS workflows not ended: " + left);
            }
            Thread.sleep(100);
        }
    }

    private static Map<String, Integer> query(String sql) throws Exception {
        Map<String, Integer> out = new LinkedHashMap<>();
        try (Connection conn = DriverManager.getConnection(pg.url()); Statement s = conn.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getInt(2));
            }
        }
        return out;
    }
}
