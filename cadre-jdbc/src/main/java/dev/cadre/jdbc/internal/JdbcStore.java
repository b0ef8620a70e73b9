package dev.cadre.jdbc.internal;

import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.store.Page;
import dev.cadre.store.SessionQuery;
import dev.cadre.store.SessionRecord;
import dev.cadre.store.Store;
import dev.cadre.store.StoreException;
import dev.cadre.store.StoredText;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * The {@link Store} behaviour shared by SQLite and PostgreSQL: plain JDBC on two data sources, one
 * for reads and one for writes (for SQLite the writer is a single connection, so this process never
 * competes with itself for SQLite's one write lock; for PostgreSQL both are the same pool).
 *
 * <p>Every method is one statement or one short transaction; nothing is cached, so several
 * processes can share the database. Failures become {@link StoreException}s via {@link SqlErrors}.
 */
public final class JdbcStore implements Store {

    /** {@code error_type} of runs ended by the orphan sweep; the same as the in-memory store's. */
    public static final String ORPHAN_ERROR_TYPE = Store.ORPHAN_ERROR_TYPE;

    private static final String RUN_COLUMNS = "run_id, session_id, parent_run_id, component_type, component_id,"
            + " component_name, user_id, status, error_type, error_message, model, model_provider, input, content,"
            + " messages, tools, metrics, events, extra, created_at";

    private final String id;
    private final Dialect dialect;
    private final Tables t;
    private final Clock clock;
    private final SqlErrors errors;
    private final JdbcCalls calls;
    private final SessionTable sessions;

    private final String terminalList;
    private final String activeList;

    /**
     * @param connectionWait how long a call keeps asking the pool for a connection in its short slices; zero: once
     * @param offload platform threads the calls of virtual threads run on, for drivers that work in native code
     * @param offloadPatience how long a call may wait for one of those threads
     */
    public JdbcStore(String id, Dialect dialect, DataSource reads, DataSource writes, Tables tables, Clock clock,
            SqlErrors errors, Availability availability, Duration connectionWait,
            Optional<java.util.concurrent.ExecutorService> offload, Duration offloadPatience) {
        this.id = id;
        this.dialect = dialect;
        this.t = tables;
        this.clock = clock;
        this.errors = errors;
        this.calls = new JdbcCalls(dialect, reads, writes, errors, availability, connectionWait, offload,
                offloadPatience);
        this.sessions = new SessionTable(tables, calls);
        this.terminalList = quoted(RunStatus.terminal());
        this.activeList = quoted(EnumSet.complementOf(EnumSet.copyOf(RunStatus.terminal())));
    }

    private static String quoted(Set<RunStatus> statuses) {
        return statuses.stream().map(s -> "'" + s.name() + "'").sorted().collect(Collectors.joining(", "));
    }

    @Override
    public String id() {
        return id;
    }

    public SqlErrors errors() {
        return errors;
    }

    public Availability availability() {
        return calls.availability();
    }

    /** The names of this store's tables. */
    public Tables tables() {
        return t;
    }

    // ---- sessions ----------------------------------------------------------------------------------

    @Override
    public void saveSession(SessionRecord s) {
        sessions.save(s);
    }

    @Override
    public Optional<SessionRecord> getSession(String sessionId) {
        return sessions.get(sessionId);
    }

    @Override
    public Page<SessionRecord> listSessions(SessionQuery q) {
        return sessions.list(q);
    }

    @Override
    public boolean renameSession(String sessionId, String name) {
        return sessions.rename(sessionId, name);
    }

    @Override
    public boolean deleteSession(String sessionId) {
        return sessions.delete(sessionId);
    }

    // ---- runs -------------------------------------------------------------------------------------

    @Override
    public void insertRun(RunResult run, String ownerInstanceId) {
        StoredText.checkId("run id", run.runId());
        RunRow row = RunRow.of(run);
        // A listing names an unnamed session after its first run: keep that input on the session row.
        String firstInput = "UPDATE " + t.sessions() + " SET first_input = ? WHERE session_id = ? AND first_input IS NULL";
        String j = dialect.jsonParameter();
        String sql = "INSERT INTO " + t.runs() + " (" + RUN_COLUMNS + ", owner_instance, updated_at) VALUES"
                + " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, " + j + ", ?, " + j + ", " + j + ", " + j + ", " + j + ", "
                + j + ", ?, ?, ?)";
        write("Inserting run " + run.runId(), c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, row.runId());
                ps.setString(2, row.sessionId());
                setOptional(ps, 3, row.parentRunId());
                ps.setString(4, row.componentType());
                ps.setString(5, row.componentId());
                ps.setString(6, row.componentName());
                setOptional(ps, 7, row.userId());
                ps.setString(8, row.status().name());
                setOptional(ps, 9, row.errorType());
                setOptional(ps, 10, row.errorMessage());
                setOptional(ps, 11, row.model());
                setOptional(ps, 12, row.modelProvider());
                ps.setString(13, row.input());
                ps.setString(14, row.content());
                ps.setString(15, row.messages());
                ps.setString(16, row.tools());
                ps.setString(17, row.metrics());
                ps.setString(18, row.events());
                setOptional(ps, 19, row.extra());
                ps.setLong(20, row.createdAtMillis());
                ps.setString(21, ownerInstanceId);
                ps.setLong(22, clock.millis());
                ps.executeUpdate();
            } catch (SQLException e) {
                if (errors.isDuplicateKey(e)) {
                    throw new StoreException(StoreException.Kind.CONFLICT, "A run with id " + run.runId()
                            + " exists already; run ids must be unique.", e);
                }
                if (errors.isMissingReference(e)) {
                    throw new StoreException(StoreException.Kind.NOT_FOUND, "Session " + run.sessionId()
                            + " does not exist; save the session before its runs.", e);
                }
                throw e;
            }
            if (run.parentRunId().isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement(firstInput)) {
                    ps.setString(1, SessionRecord.truncate(StoredText.clean(run.input().inputContent())));
                    ps.setString(2, run.sessionId());
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    @Override
    public boolean updateRun(RunResult run) {
        return replaceIfNotTerminal("Updating run " + run.runId(), run, Optional.empty());
    }

    @Override
    public boolean updateRun(RunResult run, String ownerInstanceId) {
        return replaceIfNotTerminal("Updating run " + run.runId(), run, Optional.of(ownerInstanceId));
    }

    @Override
    public boolean finishRun(RunResult run) {
        return finishRun(run, Optional.empty());
    }

    @Override
    public boolean finishRun(RunResult run, String ownerInstanceId) {
        return finishRun(run, Optional.of(ownerInstanceId));
    }

    private boolean finishRun(RunResult run, Optional<String> owner) {
        if (!run.status().isTerminal()) {
            throw new IllegalArgumentException("finishRun needs a terminal status, got " + run.status());
        }
        return replaceIfNotTerminal("Finishing run " + run.runId() + " as " + run.status(), run, owner);
    }

    /**
     * The compare-and-set: the {@code WHERE status NOT IN (terminal)} guard and the affected-row
     * count decide, in the database, which of two racing terminal writes wins. PostgreSQL re-checks
     * the guard on the locked row; SQLite has one writer at a time. The run's owner may also replace
     * the orphan sweep's verdict on its own run.
     */
    private boolean replaceIfNotTerminal(String action, RunResult run, Optional<String> owner) {
        RunRow row = RunRow.of(run);
        String j = dialect.jsonParameter();
        String update = "UPDATE " + t.runs() + " SET user_id = ?, status = ?, error_type = ?, error_message = ?,"
                + " model = ?, model_provider = ?, input = " + j + ", content = ?, messages = " + j + ", tools = "
                + j + ", metrics = " + j + ", events = " + j + ", extra = " + j + ", updated_at = ?"
                + " WHERE run_id = ? AND (status NOT IN (" + terminalList + ")"
                + (owner.isPresent() ? " OR (status = 'ERROR' AND error_type = '" + ORPHAN_ERROR_TYPE
                        + "' AND owner_instance = ?)" : "") + ")";
        String exists = "SELECT 1 FROM " + t.runs() + " WHERE run_id = ?";
        String touch = "UPDATE " + t.sessions() + " SET updated_at = ? WHERE session_id = ?";
        return write(action, c -> {
            long now = clock.millis();
            int changed;
            try (PreparedStatement ps = c.prepareStatement(update)) {
                setOptional(ps, 1, row.userId());
                ps.setString(2, row.status().name());
                setOptional(ps, 3, row.errorType());
                setOptional(ps, 4, row.errorMessage());
                setOptional(ps, 5, row.model());
                setOptional(ps, 6, row.modelProvider());
                ps.setString(7, row.input());
                ps.setString(8, row.content());
                ps.setString(9, row.messages());
                ps.setString(10, row.tools());
                ps.setString(11, row.metrics());
                ps.setString(12, row.events());
                setOptional(ps, 13, row.extra());
                ps.setLong(14, now);
                ps.setString(15, row.runId());
                if (owner.isPresent()) {
                    ps.setString(16, owner.get());
                }
                changed = ps.executeUpdate();
            }
            if (changed == 0) {
                try (PreparedStatement ps = c.prepareStatement(exists)) {
                    ps.setString(1, row.runId());
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            throw new StoreException(StoreException.Kind.NOT_FOUND, "No run with id " + row.runId()
                                    + "; insert it before updating it.");
                        }
                    }
                }
                return false;
            }
            try (PreparedStatement ps = c.prepareStatement(touch)) {
                ps.setLong(1, now);
                ps.setString(2, row.sessionId());
                ps.executeUpdate();
            }
            return true;
        });
    }

    @Override
    public Optional<RunResult> getRun(String runId) {
        // One statement: the run and all its descendants (nested teams included). UNION, not
        // UNION ALL, so that even a damaged parent chain cannot make the recursion loop.
        String sql = "WITH RECURSIVE tree (run_id) AS (SELECT run_id FROM " + t.runs() + " WHERE run_id = ?"
                + " UNION SELECT r.run_id FROM " + t.runs() + " r JOIN tree ON r.parent_run_id = tree.run_id)"
                + " SELECT " + RUN_COLUMNS + " FROM " + t.runs() + " WHERE run_id IN (SELECT run_id FROM tree)"
                + " ORDER BY seq";
        List<RunRow> rows = read("Reading run " + runId, c -> RunTree.rows(c, sql, runId));
        List<RunResult> roots = RunTree.assemble(rows, r -> r.runId().equals(runId));
        return roots.stream().findFirst();
    }

    @Override
    public List<RunResult> listRuns(String sessionId) {
        String sql = "WITH RECURSIVE tree (run_id) AS (SELECT run_id FROM " + t.runs()
                + " WHERE session_id = ? AND parent_run_id IS NULL"
                + " UNION SELECT r.run_id FROM " + t.runs() + " r JOIN tree ON r.parent_run_id = tree.run_id)"
                + " SELECT " + RUN_COLUMNS + " FROM " + t.runs() + " WHERE run_id IN (SELECT run_id FROM tree)"
                + " ORDER BY seq";
        List<RunRow> rows = read("Listing runs of session " + sessionId, c -> RunTree.rows(c, sql, sessionId));
        return RunTree.assemble(rows, r -> r.parentRunId().isEmpty() && r.sessionId().equals(sessionId));
    }

    // ---- process liveness -------------------------------------------------------------------------

    @Override
    public void heartbeat(String instanceId) {
        String sql = "INSERT INTO " + t.instances() + " (instance_id, started_at, heartbeat_at) VALUES (?, ?, ?)"
                + " ON CONFLICT (instance_id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at";
        write("Recording the heartbeat of " + instanceId, c -> {
            long now = clock.millis();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, instanceId);
                ps.setLong(2, now);
                ps.setLong(3, now);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public List<String> failOrphanedRuns(Duration staleAfter, String reason) {
        // A run is orphaned when no heartbeat of its owner is recent enough, including owners that
        // never sent one. One statement, so a run is ended at most once even with several sweepers.
        String sql = "UPDATE " + t.runs() + " SET status = 'ERROR', error_type = ?, error_message = ?, updated_at = ?"
                + " WHERE status IN (" + activeList + ") AND NOT EXISTS (SELECT 1 FROM " + t.instances() + " i"
                + " WHERE i.instance_id = " + t.runs() + ".owner_instance AND i.heartbeat_at >= ?)"
                + " RETURNING run_id";
        return write("Ending orphaned runs", c -> {
            Instant now = clock.instant();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, ORPHAN_ERROR_TYPE);
                ps.setString(2, reason);
                ps.setLong(3, now.toEpochMilli());
                ps.setLong(4, now.minus(staleAfter).toEpochMilli());
                List<String> ended = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ended.add(rs.getString(1));
                    }
                }
                return ended;
            }
        });
    }

    /** Checks that the database answers now; fails at once while it is known to be unreachable. */
    @Override
    public void ping() {
        read("Checking the " + errors.target(), c -> {
            try (var st = c.createStatement()) {
                st.execute("SELECT 1");
            }
            return null;
        });
    }

    /** Forgets instances that have not beaten for {@code olderThan}, and own no unfinished run. */
    public int forgetInstances(Duration olderThan) {
        String sql = "DELETE FROM " + t.instances() + " WHERE heartbeat_at < ? AND NOT EXISTS (SELECT 1 FROM "
                + t.runs() + " r WHERE r.owner_instance = " + t.instances() + ".instance_id AND r.status IN ("
                + activeList + "))";
        return write("Forgetting old process instances", c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setLong(1, clock.instant().minus(olderThan).toEpochMilli());
                return ps.executeUpdate();
            }
        });
    }

    /** Marks the store closed; the owner closes the data sources. */
    @Override
    public void close() {
        calls.close();
    }

    // ---- plumbing ---------------------------------------------------------------------------------

    /** Runs {@code work} in one transaction on the write connection. */
    public <T> T write(String action, JdbcCalls.SqlWork<T> work) {
        return calls.write(action, work);
    }

    /** Runs {@code work} on a read connection; a single statement sees one consistent snapshot. */
    public <T> T read(String action, JdbcCalls.SqlWork<T> work) {
        return calls.read(action, work);
    }

    static void setOptional(PreparedStatement ps, int index, Optional<String> value) throws SQLException {
        if (value.isPresent()) {
            ps.setString(index, value.get());
        } else {
            ps.setNull(index, Types.VARCHAR);
        }
    }
}
