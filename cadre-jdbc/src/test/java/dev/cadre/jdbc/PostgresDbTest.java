package dev.cadre.jdbc;

import static dev.cadre.jdbc.Runs.T0;
import static dev.cadre.jdbc.Runs.teamRun;
import static dev.cadre.jdbc.Runs.teamSession;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.run.RunStatus;
import dev.cadre.db.DbException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresDbTest extends JdbcDbContract {

    @RegisterExtension
    final TestPostgres.FreshSchema schema = new TestPostgres.FreshSchema();

    @Override
    protected JdbcDb open(Clock clock, String instanceId, Duration heartbeatInterval, Duration staleAfter) {
        return TestPostgres.builder(schema.name()).clock(clock).instanceId(instanceId)
                .heartbeatInterval(heartbeatInterval).staleAfter(staleAfter).build();
    }

    @Test
    void a_row_locked_too_long_by_another_session_fails_the_write_and_says_why() throws SQLException {
        try (PostgresDb db = TestPostgres.builder(schema.name()).lockTimeout(Duration.ofMillis(300)).build();
                Connection stuck = DriverManager.getConnection(TestPostgres.url())) {
            db.saveSession(teamSession("s1", T0));
            db.insertRun(teamRun("r1", "s1", RunStatus.RUNNING), "p");
            stuck.setAutoCommit(false);
            try (PreparedStatement lock = stuck.prepareStatement(
                    "SELECT status FROM " + schema.name() + ".cadre_runs WHERE run_id = 'r1' FOR UPDATE")) {
                lock.executeQuery().close();
            }

            assertThatThrownBy(() -> db.finishRun(Runs.finished(teamRun("r1", "s1", RunStatus.RUNNING),
                    RunStatus.COMPLETED, "done")))
                    .isInstanceOf(DbException.class)
                    .hasMessageContaining("Finishing run r1")
                    .hasMessageContaining("stayed locked by another connection too long (waited 300 ms)");

            stuck.rollback();
            assertThat(db.finishRun(Runs.finished(teamRun("r1", "s1", RunStatus.RUNNING), RunStatus.COMPLETED,
                    "done"))).isTrue();
        }
    }

    @Test
    void a_missing_database_is_named() {
        String url = "jdbc:postgresql://" + hostPort() + "/cadre_no_such_database?user=postgres";

        assertThatThrownBy(() -> PostgresDb.builder().url(url).build())
                .isInstanceOf(DbException.class)
                .hasMessageContaining("no such database")
                .hasMessageNotContaining("password");
    }

    @Test
    void the_seed_table_names_are_used_and_json_columns_are_jsonb() throws SQLException {
        try (PostgresDb db = TestPostgres.builder(schema.name()).sessionTable("team_bg_exec_sessions").build()) {
            db.saveSession(teamSession("s1", T0));
            db.insertRun(teamRun("r1", "s1", RunStatus.PENDING), "p");
            assertThat(db.url()).doesNotContain("user=");
        }

        assertThat(query("SELECT table_name FROM information_schema.tables WHERE table_schema = ? ORDER BY 1"))
                .containsExactly("team_bg_exec_sessions", "team_bg_exec_sessions_instances",
                        "team_bg_exec_sessions_memories", "team_bg_exec_sessions_runs", "team_bg_exec_sessions_schema_history",
                        "team_bg_exec_sessions_usage");
        assertThat(query("SELECT column_name || ':' || data_type FROM information_schema.columns"
                + " WHERE table_schema = ? AND table_name = 'team_bg_exec_sessions_runs'"
                + " AND data_type = 'jsonb' ORDER BY 1"))
                .containsExactly("events:jsonb", "extra:jsonb", "input:jsonb", "messages:jsonb", "metrics:jsonb",
                        "tools:jsonb");
        assertThat(query("SELECT column_name || ':' || data_type FROM information_schema.columns"
                + " WHERE table_schema = ? AND table_name = 'team_bg_exec_sessions'"
                + " AND data_type = 'jsonb' ORDER BY 1"))
                .containsExactly("metadata:jsonb", "session_state:jsonb", "summary:jsonb");
    }

    @Test
    void host_port_and_database_are_an_alternative_to_the_url() {
        String url = TestPostgres.url();
        if (!url.startsWith(TestPostgres.DEFAULT_URL)) {
            return; // a custom URL may carry credentials the host/port form cannot express here
        }
        try (PostgresDb db = PostgresDb.builder().host("127.0.0.1").port(5432).database("test").user("postgres")
                .schema(schema.name()).build()) {
            assertThat(db.id()).isEqualTo("postgres-test");
            assertThat(db.url()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/test");
        }
    }

    private static String hostPort() {
        String where = PostgresDb.Builder.describe(TestPostgres.url());
        return where.substring(0, where.indexOf('/'));
    }

    private List<String> query(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(TestPostgres.url());
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, schema.name());
            try (ResultSet rs = ps.executeQuery()) {
                List<String> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
                return out;
            }
        }
    }
}
