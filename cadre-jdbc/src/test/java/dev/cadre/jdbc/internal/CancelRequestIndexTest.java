package dev.cadre.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.jdbc.JdbcDb;
import dev.cadre.jdbc.SqliteDb;
import dev.cadre.jdbc.TestPostgres;
import dev.cadre.db.SessionRecord;
import dev.cadre.db.SessionType;
import dev.cadre.run.RunMetrics;
import dev.cadre.run.RunResult.RunInput;
import dev.cadre.run.RunStatus;
import dev.cadre.run.TeamRunOutput;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The owner asks for its cancel requests at every heartbeat: on both databases that query walks the partial index
 * of version 4 rather than the runs, however many ended runs the owner has. (The index's predicate and the query's
 * are written separately, in SQL and in Java; this is what keeps them the same.)
 */
class CancelRequestIndexTest {

    private static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");
    private static final Tables TABLES = Tables.of(null, null, null);

    @TempDir
    Path dir;

    @RegisterExtension
    final TestPostgres.FreshSchema schema = new TestPostgres.FreshSchema();

    @Test
    void on_sqlite_the_owners_question_walks_the_cancel_index() throws SQLException {
        Path file = dir.resolve("cadre.db");
        try (SqliteDb db = SqliteDb.builder().file(file).heartbeatInterval(Duration.ZERO).withoutJournal().build();
                Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            withEndedRunsAndOneRequest(db, c);

            List<String> plan = plan(c, "EXPLAIN QUERY PLAN " + CancelRequests.ownerQuery(TABLES));

            assertThat(String.join("\n", plan)).contains("USING INDEX cadre_runs_cancel_idx");
        }
    }

    @Test
    void on_postgresql_the_owners_question_walks_the_cancel_index() throws SQLException {
        try (JdbcDb db = TestPostgres.builder(schema.name()).heartbeatInterval(Duration.ZERO).withoutJournal().build();
                Connection c = DriverManager.getConnection(TestPostgres.url())) {
            c.setSchema(schema.name());
            withEndedRunsAndOneRequest(db, c);
            try (Statement s = c.createStatement()) {
                s.execute("ANALYZE cadre_runs");
            }

            List<String> plan = plan(c, "EXPLAIN " + CancelRequests.ownerQuery(TABLES));

            assertThat(String.join("\n", plan)).contains("cadre_runs_cancel_idx");
        }
    }

    /** Two thousand ended runs of the owner, and one running run with a request. */
    private static void withEndedRunsAndOneRequest(JdbcDb db, Connection c) throws SQLException {
        db.saveSession(new SessionRecord("s1", SessionType.TEAM, "research-team", Optional.empty(), Optional.empty(),
                T0, T0));
        db.insertRun(new TeamRunOutput("asked", "research-team", "Research Team", "s1", Optional.empty(),
                Optional.empty(), new RunInput("go"), "", RunStatus.RUNNING, Optional.empty(), List.of(), List.of(),
                RunMetrics.EMPTY, Optional.empty(), Optional.empty(), T0, List.of(), List.of()), "owner");
        db.requestCancel("asked", "stop");
        try (Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO cadre_runs (run_id, session_id, component_type, component_id,"
                    + " component_name, status, owner_instance, input, content, messages, tools, metrics, events,"
                    + " created_at, updated_at) WITH RECURSIVE g (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g"
                    + " WHERE n < 2000) SELECT 'done-' || n, 's1', 'team', 'research-team', 'Research Team',"
                    + " 'COMPLETED', 'owner', '{}', '', '[]', '[]', '{}', '[]', 0, 0 FROM g");
        }
        assertThat(db.cancelRequests("owner")).containsOnlyKeys("asked");
    }

    private static List<String> plan(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, "owner");
            try (ResultSet rs = ps.executeQuery()) {
                List<String> lines = new java.util.ArrayList<>();
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    lines.add(rs.getString(columns));
                }
                return lines;
            }
        }
    }
}
