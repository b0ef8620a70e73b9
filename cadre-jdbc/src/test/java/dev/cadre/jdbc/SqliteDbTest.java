package dev.cadre.jdbc;

import static dev.cadre.jdbc.Runs.T0;
import static dev.cadre.jdbc.Runs.teamRun;
import static dev.cadre.jdbc.Runs.teamSession;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.run.TeamRunOutput;
import dev.cadre.db.FinalStateJournal;
import dev.cadre.db.SessionQuery;
import dev.cadre.db.DbException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteDbTest extends JdbcDbContract {

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("cadre.db");
    }

    @Override
    protected JdbcDb open(Clock clock, String instanceId, Duration heartbeatInterval, Duration staleAfter) {
        return SqliteDb.builder().file(file()).clock(clock).instanceId(instanceId)
                .heartbeatInterval(heartbeatInterval).staleAfter(staleAfter).build();
    }

    @Test
    void without_create_if_missing_a_missing_file_is_not_found_and_is_not_created() {
        assertThatThrownBy(() -> SqliteDb.builder().file(file()).createIfMissing(false).build())
                .isInstanceOfSatisfying(DbException.class, e -> assertThat(e.kind()).isEqualTo(DbException.Kind.NOT_FOUND))
                .hasMessageContaining(file().toString()).hasMessageContaining("does not exist");
        assertThat(file()).doesNotExist();

        SqliteDb.builder().file(file()).build().close();
        try (SqliteDb existing = SqliteDb.builder().file(file()).createIfMissing(false).build()) {
            assertThat(existing.listSessions(SessionQuery.all()).items()).isEmpty();
        }
    }

    @Test
    void final_states_a_stopped_process_kept_are_written_when_the_store_opens_before_the_sweep() {
        TeamRunOutput run = teamRun("kept", "s1", RunStatus.RUNNING);
        try (SqliteDb first = SqliteDb.builder().file(file()).instanceId("stopped-process").build()) {
            first.saveSession(teamSession("s1", T0));
            first.insertRun(run, "stopped-process");
            assertThat(first.journal()).get().extracting(FinalStateJournal::directory)
                    .isEqualTo(dir.resolve("cadre.db.pending").toAbsolutePath());
            // Its final write failed and it stopped: the state stayed in the journal.
            first.journal().orElseThrow().keep(Runs.finished(run, RunStatus.COMPLETED, "the kept answer"),
                    "stopped-process", "the disk was full");
        }

        // Long after, as a new process: the sweep would take the run for an orphan, but the journal comes first.
        try (SqliteDb next = SqliteDb.builder().file(file()).instanceId("next-process").heartbeatInterval(Duration.ZERO)
                .clock(Clock.offset(Clock.systemUTC(), Duration.ofHours(1))).build()) {
            RunResult stored = next.getRun("kept").orElseThrow();
            assertThat(stored.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(stored.content()).isEqualTo("the kept answer");
            assertThat(next.journal().orElseThrow().kept()).isEmpty();
        }
    }

    @Test
    void a_kept_final_state_also_replaces_the_orphan_sweeps_verdict_on_its_own_run() {
        TeamRunOutput run = teamRun("kept", "s1", RunStatus.RUNNING);
        try (SqliteDb first = SqliteDb.builder().file(file()).instanceId("silent-process").build()) {
            first.saveSession(teamSession("s1", T0));
            first.insertRun(run, "silent-process");
            first.journal().orElseThrow().keep(Runs.finished(run, RunStatus.COMPLETED, "real end"), "silent-process",
                    "the database was unreachable");
            assertThat(first.failOrphanedRuns(Duration.ZERO, "swept")).contains("kept");
        }

        try (SqliteDb next = SqliteDb.file(file())) {
            assertThat(next.getRun("kept").map(RunResult::content)).contains("real end");
        }
    }

    @Test
    void without_a_journal_nothing_is_kept_on_disk() {
        try (SqliteDb db = SqliteDb.builder().file(file()).withoutJournal().build()) {
            assertThat(db.journal()).isEmpty();
        }
        assertThat(dir.resolve("cadre.db.pending")).doesNotExist();
    }

    @Test
    void the_file_is_in_wal_mode_and_migrated_once() throws SQLException {
        SqliteDb.file(file()).close();
        try (SqliteDb db = SqliteDb.file(file().toString())) {
            assertThat(db.file()).isEqualTo(file().toAbsolutePath());
            assertThat(db.id()).isEqualTo("sqlite-cadre");
        }

        assertThat(query("PRAGMA journal_mode")).containsExactly("wal");
        assertThat(query("SELECT version FROM cadre_sessions_schema_history WHERE success = 1 ORDER BY version"))
                .containsExactly("1", "2", "3", "4", "5", "6");
        assertThat(query("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'cadre_%' ORDER BY name"))
                .containsExactly("cadre_instances", "cadre_memories", "cadre_runs", "cadre_sessions",
                        "cadre_sessions_schema_history", "cadre_sessions_usage");
    }

    @Test
    void a_run_is_split_into_columns_with_nothing_left_over() throws SQLException {
        try (SqliteDb db = SqliteDb.file(file())) {
            db.saveSession(teamSession("s1", T0));
            db.insertRun(Runs.richAgentRun("r1", "s1"), "p");
        }

        assertThat(query("SELECT status || ' ' || component_type || ' ' || json_array_length(messages) || ' '"
                + " || json_array_length(events) || ' ' || coalesce(extra, 'no extra') FROM cadre_runs"))
                // content_type is a field of Agno's run JSON that has no column: it lands in extra.
                .containsExactly("CANCELLED agent 3 2 {\"content_type\":\"str\"}");
    }

    @Test
    void listings_in_either_order_walk_an_index_instead_of_sorting() throws SQLException {
        SqliteDb.file(file()).close();
        List<String> orders = List.of("created_at DESC, session_id ASC", "created_at ASC, session_id DESC",
                "updated_at DESC, session_id ASC", "updated_at ASC, session_id DESC");
        List<String> filters = List.of("", " AND component_id = 'crew'", " AND user_id = 'ada'");
        for (String order : orders) {
            for (String filter : order.startsWith("created") ? filters : List.of("")) {
                List<String> plan = query("EXPLAIN QUERY PLAN SELECT * FROM cadre_sessions WHERE 1 = 1" + filter
                        + " ORDER BY " + order + " LIMIT 20 OFFSET 40", 4);
                assertThat(String.join("\n", plan)).as(order + filter).contains("USING INDEX")
                        .doesNotContain("TEMP B-TREE");
            }
        }
    }

    @Test
    void table_names_are_configurable_and_other_tables_in_the_file_stay_apart() throws SQLException {
        try (SqliteDb seed = SqliteDb.builder().file(file()).sessionTable("team_bg_exec_sessions").build();
                SqliteDb other = SqliteDb.file(file())) {
            seed.saveSession(teamSession("s1", T0));
            seed.insertRun(teamRun("r1", "s1", RunStatus.PENDING), "p");

            assertThat(other.getSession("s1")).isEmpty();
            assertThat(other.getRun("r1")).isEmpty();
            assertThat(other.listSessions(SessionQuery.all()).total()).isZero();
        }
        assertThat(query("SELECT run_id FROM team_bg_exec_sessions_runs")).containsExactly("r1");
    }

    @Test
    void invalid_table_names_are_refused_before_anything_is_opened() {
        assertThatThrownBy(() -> SqliteDb.builder().file(file()).sessionTable("sessions; DROP TABLE x").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("session table");
        assertThat(file()).doesNotExist();
    }

    @Test
    void a_file_in_a_missing_directory_fails_with_what_to_do() {
        Path nowhere = dir.resolve("no-such-dir").resolve("cadre.db");

        assertThatThrownBy(() -> SqliteDb.file(nowhere))
                .isInstanceOf(DbException.class)
                .hasMessageContaining(nowhere.toString())
                .hasMessageContaining("directory exists");
    }

    @Test
    void a_file_that_is_not_a_database_fails_clearly() throws Exception {
        Files.writeString(file(), "this is a text file, not a database ".repeat(100));

        assertThatThrownBy(() -> SqliteDb.file(file()))
                .isInstanceOf(DbException.class)
                .hasMessageContaining("not a valid SQLite database");
    }

    @Test
    void a_write_lock_held_too_long_by_another_process_fails_as_locked_and_then_recovers() throws SQLException {
        try (SqliteDb db = SqliteDb.builder().file(file()).busyTimeout(Duration.ofMillis(200)).build();
                Connection intruder = DriverManager.getConnection("jdbc:sqlite:" + file())) {
            intruder.setAutoCommit(false);
            try (Statement s = intruder.createStatement()) {
                // Takes the write lock and keeps it until rollback, as a stuck process would.
                s.execute("INSERT INTO cadre_instances (instance_id, started_at, heartbeat_at) VALUES ('x', 0, 0)");
            }

            assertThatThrownBy(() -> db.saveSession(teamSession("s1", T0)))
                    .isInstanceOf(DbException.class)
                    .hasMessageContaining("Saving session s1")
                    .hasMessageContaining("is locked (busy for 200 ms)");

            intruder.rollback();
            db.saveSession(teamSession("s1", T0));
            assertThat(db.getSession("s1")).isPresent();
        }
    }

    @Test
    void writes_queued_behind_a_lock_another_process_holds_each_fail_within_twice_the_busy_timeout()
            throws Exception {
        Duration busy = Duration.ofMillis(500);
        try (SqliteDb db = SqliteDb.builder().file(file()).busyTimeout(busy).build();
                Connection intruder = DriverManager.getConnection("jdbc:sqlite:" + file())) {
            intruder.setAutoCommit(false);
            try (Statement s = intruder.createStatement()) {
                s.execute("INSERT INTO cadre_instances (instance_id, started_at, heartbeat_at) VALUES ('x', 0, 0)");
            }
            int writers = 12;
            List<java.util.concurrent.Future<Duration>> tries = new ArrayList<>();
            try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < writers; i++) {
                    String id = "s" + i;
                    tries.add(pool.submit(() -> {
                        long start = System.nanoTime();
                        assertThatThrownBy(() -> db.saveSession(teamSession(id, T0)))
                                .isInstanceOfSatisfying(DbException.class,
                                        e -> assertThat(e.kind()).isEqualTo(DbException.Kind.UNAVAILABLE));
                        return Duration.ofNanos(System.nanoTime() - start);
                    }));
                }
            }
            // Queued one after another they would take writers × busy; each must give up on its own instead.
            // Generous: twice the busy timeout is the promise, writers × busy (6 s) the old behaviour.
            for (var t : tries) {
                assertThat(t.get()).isLessThan(busy.multipliedBy(writers / 2));
            }
            intruder.rollback();
        }
    }

    private List<String> query(String sql) throws SQLException {
        return query(sql, 1);
    }

    private List<String> query(String sql, int column) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file());
                Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(column));
            }
            return out;
        }
    }
}
