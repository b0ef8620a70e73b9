package dev.cadre.durable;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.jdbc.TestPostgres;
import dev.cadre.testkit.Reply;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Work spreads, with real processes: 300 background runs submitted to one process of three are executed by all
 * three, each within its concurrency limit, all {@code COMPLETED}, none twice.
 */
class WorkSpreadsTest extends FleetTest {

    private static final int RUNS = 300;

    @Test
    void runsSubmittedToOneProcessAreExecutedByAllOnceEach() throws Exception {
        // A leader that answers at once after a moment's thought, so that a run holds its slot a little.
        fake.dispatcher(r -> Reply.text("Answer to " + r.lastUserMessage().orElse("?"))
                .headersDelay(Duration.ofMillis(200)));
        Nodes.Node b = node("node-b", null);
        Nodes.Node c = node("node-c", null);
        b.awaitLine("READY", WAIT);
        c.awaitLine("READY", WAIT);

        node("node-a", "submit:" + RUNS).awaitLine("SUBMITTED", WAIT);
        awaitAllCompleted();

        Map<String, Integer> byExecutor = query("SELECT executor_id, count(*) FROM \"" + schema.name() + "_dbos\""
                + ".workflow_status WHERE name = 'cadre-run' AND status = 'SUCCESS' GROUP BY executor_id");
        assertThat(byExecutor).containsOnlyKeys("node-a", "node-b", "node-c");
        assertThat(byExecutor.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(RUNS);
        assertThat(fake.requests()).as("each run asked the model once: none executed twice").hasSize(RUNS);
        assertThat(fake.requests().stream().map(r -> r.lastUserMessage().orElseThrow()).distinct()).hasSize(RUNS);
        System.out.println("runs per process: " + byExecutor);
    }

    /** The runs end in the other processes; only the db tells this one: it is read until they all have. */
    private void awaitAllCompleted() throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String sql = "SELECT status, count(*) FROM \"" + schema.name() + "\".cadre_runs GROUP BY status";
        while (true) {
            Map<String, Integer> byStatus = query(sql);
            if (byStatus.getOrDefault("COMPLETED", 0) == RUNS) {
                return;
            }
            if (!byStatus.keySet().stream().allMatch(s -> s.equals("COMPLETED") || s.equals("PENDING")
                    || s.equals("RUNNING"))) {
                throw new AssertionError("runs ended otherwise: " + byStatus);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not all runs completed: " + byStatus);
            }
            Thread.sleep(100);
        }
    }

    private static Map<String, Integer> query(String sql) throws Exception {
        Map<String, Integer> out = new LinkedHashMap<>();
        try (Connection conn = DriverManager.getConnection(TestPostgres.url()); Statement s = conn.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getInt(2));
            }
        }
        return out;
    }
}
