package dev.cadre.jdbc;

import static dev.cadre.jdbc.Runs.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.jdbc.internal.Dialect;
import dev.cadre.jdbc.internal.Tables;
import dev.cadre.db.ModelUsage;
import dev.cadre.db.SessionQuery;
import dev.cadre.db.SessionRecord;
import dev.cadre.db.Db;
import dev.cadre.db.TokenCounts;
import dev.cadre.db.UsageQuery;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.run.TeamRunOutput;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.Test;

/**
 * A database written by an older schema keeps working after the newest: from version 2, its runs' tokens move to
 * their columns, each session's usage is added up from its ended runs, and names can be filtered on; from version
 * 3, its runs read as before and can be asked to cancel.
 */
abstract class MigrationContract {

    protected abstract Dialect dialect();

    /** A connection to the database the store will open, with the tables in its default schema. */
    protected abstract Connection connect() throws SQLException;

    /** {@code c} pointed at that database. */
    protected abstract FluentConfiguration on(FluentConfiguration c);

    /** Opens the store on that database: it migrates to the newest version. */
    protected abstract Db open();

    private void migrateTo(String version) {
        Tables tables = Tables.of(null, null, null);
        var config = Flyway.configure(getClass().getClassLoader()).locations(dialect().migrationLocation())
                .placeholders(tables.placeholders()).table(tables.history()).baselineOnMigrate(true)
                .baselineVersion("0").target(version);
        on(config).load().migrate();
    }

    private static void insertSession(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO cadre_sessions (session_id, session_type,"
                + " component_id, user_id, name, created_at, updated_at, first_input) VALUES ('old', 'team',"
                + " 'research-team', 'ada', 'Release NOTES', ?, ?, 'What changed?')")) {
            ps.setLong(1, T0.toEpochMilli());
            ps.setLong(2, T0.toEpochMilli());
            ps.executeUpdate();
        }
    }

    /** The process {@code p} that runs the old runs is alive: opening the store must not end its runs. */
    private static void ownerAlive(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO cadre_instances (instance_id, started_at,"
                + " heartbeat_at) VALUES ('p', ?, ?)")) {
            long now = System.currentTimeMillis();
            ps.setLong(1, now);
            ps.setLong(2, now);
            ps.executeUpdate();
        }
    }

    private void insertRun(Connection c, String runId, String parent, String status, String model, String metrics)
            throws SQLException {
        String j = dialect().jsonParameter();
        String sql = "INSERT INTO cadre_runs (run_id, session_id, parent_run_id, component_type, component_id,"
                + " component_name, user_id, status, owner_instance, model, model_provider, input, content, messages,"
                + " tools, metrics, events, created_at, updated_at) VALUES (?, 'old', ?, 'team', 'research-team',"
                + " 'Research Team', 'ada', ?, 'p', ?, 'OpenAI', " + j + ", '', " + j + ", " + j + ", " + j + ", " + j
                + ", ?, ?)";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, runId);
            ps.setString(2, parent);
            ps.setString(3, status);
            ps.setString(4, model);
            ps.setString(5, "{\"input_content\":\"What changed?\"}");
            ps.setString(6, "[]");
            ps.setString(7, "[]");
            ps.setString(8, metrics);
            ps.setString(9, "[]");
            ps.setLong(10, T0.toEpochMilli());
            ps.setLong(11, T0.toEpochMilli());
            ps.executeUpdate();
        }
    }

    @Test
    void runs_written_before_version_three_count_in_their_sessions_usage() throws SQLException {
        migrateTo("2");
        try (Connection c = connect()) {
            insertSession(c);
            insertRun(c, "t1", null, "COMPLETED", "gpt-5.2-mini",
                    "{\"input_tokens\":150,\"output_tokens\":65,\"total_tokens\":215}");
            insertRun(c, "m1", "t1", "COMPLETED", "gpt-4o",
                    "{\"input_tokens\":50,\"output_tokens\":24,\"total_tokens\":74,\"reasoning_tokens\":4}");
            insertRun(c, "t2", null, "RUNNING", "gpt-5.2-mini", "{\"input_tokens\":9,\"total_tokens\":9}");
            insertRun(c, "t3", null, "ERROR", "gpt-5.2-mini", "{}");
            ownerAlive(c);
        }

        try (Db store = open()) {
            SessionRecord s = store.getSession("old").orElseThrow();
            assertThat(s.usage().models()).containsExactly(
                    new ModelUsage("gpt-4o", "OpenAI", new TokenCounts(50, 24, 74, 0, 0, 4)),
                    new ModelUsage("gpt-5.2-mini", "OpenAI", new TokenCounts(150, 65, 215, 0, 0, 0)));
            assertThat(s.sessionState()).isEmpty();
            assertThat(store.listSessions(SessionQuery.all().withNameContaining("notes")).items())
                    .extracting(SessionRecord::sessionId).containsExactly("old");
            assertThat(store.usageByDay(UsageQuery.all()).getFirst().tokens())
                    .isEqualTo(new TokenCounts(200, 89, 289, 0, 0, 4));
            assertThat(store.usageByDay(UsageQuery.all()).getFirst().teamRuns()).isEqualTo(3);

            // The run that was still going when the database was migrated counts once it ends.
            store.finishRun(Runs.finished(store.getRun("t2").orElseThrow(), dev.cadre.run.RunStatus.COMPLETED, "ok"));
            assertThat(store.getSession("old").orElseThrow().usage().tokens().totalTokens()).isEqualTo(298);
        }
    }

    @Test
    void runs_written_before_version_four_read_as_before_and_can_be_asked_to_cancel() throws SQLException {
        migrateTo("3");
        try (Connection c = connect()) {
            insertSession(c);
            insertRun(c, "t1", null, "RUNNING", "gpt-5.2-mini", "{\"input_tokens\":9,\"total_tokens\":9}");
            insertRun(c, "m1", "t1", "RUNNING", "gpt-4o", "{}");
            insertRun(c, "t2", null, "COMPLETED", "gpt-5.2-mini", "{}");
            ownerAlive(c);
        }

        try (Db store = open()) {
            RunResult before = store.getRun("t1").orElseThrow();
            assertThat(before.status()).isEqualTo(RunStatus.RUNNING);
            assertThat(((TeamRunOutput) before).memberResponses()).extracting(RunResult::runId).containsExactly("m1");
            assertThat(store.cancelRequests("p")).isEmpty();

            assertThat(store.requestCancel("t1", "cancelled by user")).contains(before);
            assertThat(store.requestCancel("t2", "too late").map(RunResult::status)).contains(RunStatus.COMPLETED);

            assertThat(store.cancelRequests("p")).isEqualTo(Map.of("t1", "cancelled by user"));
            assertThat(store.getRun("t1")).contains(before);
        }
    }
}
