package dev.cadre.jdbc.internal;

import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.db.DailyUsage;
import dev.cadre.db.Page;
import dev.cadre.db.RunQuery;
import dev.cadre.db.RunSummary;
import dev.cadre.db.SessionQuery;
import dev.cadre.db.SessionRecord;
import dev.cadre.db.SessionUpdate;
import dev.cadre.db.Db;
import dev.cadre.db.DbException;
import dev.cadre.db.UsageQuery;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The {@link Db} behaviour shared by SQLite and PostgreSQL: plain JDBC on two data sources, one
 * for reads and one for writes (for SQLite the writer is a single connection, so this process never
 * competes with itself for SQLite's one write lock; for PostgreSQL both are the same pool).
 *
 * <p>Every method is one statement or one short transaction; nothing is cached, so several
 * processes can share the database. Failures become {@link DbException}s via {@link SqlErrors}.
 */
public final class JdbcStore implements Db {

    /** {@code error_type} of runs ended by the orphan sweep; the same as the in-memory store's. */
    public static final String ORPHAN_ERROR_TYPE = Db.ORPHAN_ERROR_TYPE;

    private final String id;
    private final Dialect dialect;
    private final Tables t;
    private final Clock clock;
    private final SqlErrors errors;
    private final JdbcCalls calls;
    private final SessionTable sessions;
    private final RunWrites runs;
    private final UsageByDay usageByDay;
    private final CancelRequests cancels;
    private final MemoryTable memories;
    private final RecentRuns recent;

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
        // SQLite has one writer: its writes are committed in groups, one disk flush for all waiting (GroupCommit).
        this.calls = new JdbcCalls(dialect, reads, writes, errors, availability, connectionWait, offload,
                offloadPatience, dialect == Dialect.SQLITE);
        UsageTable usage = new UsageTable(tables);
        this.sessions = new SessionTable(dialect, tables, calls, usage, clock);
        this.runs = new RunWrites(dialect, tables, clock, errors, calls, usage);
        this.usageByDay = new UsageByDay(tables, calls);
        this.cancels = new CancelRequests(tables, clock, calls);
        this.memories = new MemoryTable(dialect, tables, calls, clock);
        this.recent = new RecentRuns(tables, calls);
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
    public boolean createSession(SessionRecord s) {
        return sessions.create(s);
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
    public Optional<SessionRecord> updateSession(String sessionId, SessionUpdate update) {
        return sessions.update(sessionId, update);
    }

    @Override
    public boolean renameSession(String sessionId, String name) {
        return sessions.rename(sessionId, name);
    }

    @Override
    public boolean deleteSession(String sessionId) {
        return sessions.delete(sessionId);
    }

    @Override
    public int deleteSessions(Collection<String> sessionIds, Optional<String> ownedBy) {
        return sessions.deleteMany(sessionIds, ownedBy);
    }

    @Override
    public List<DailyUsage> usageByDay(UsageQuery query) {
        return usageByDay.query(query);
    }

    // ---- runs -------------------------------------------------------------------------------------

    @Override
    public void insertRun(RunResult run, String ownerInstanceId) {
        runs.insert(run, ownerInstanceId);
    }

    /** One transaction, one commit: what accepting a run costs. */
    @Override
    public void startRun(SessionRecord session, RunResult run, String ownerInstanceId) {
        runs.start(session, sessions, run, ownerInstanceId);
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

    @Override
    public List<Boolean> finishRuns(List<RunResult> runs, String ownerInstanceId) {
        for (RunResult run : runs) {
            if (!run.status().isTerminal()) {
                throw new IllegalArgumentException("finishRuns needs terminal statuses, got " + run.status()
                        + " for run " + run.runId());
            }
        }
        return runs.isEmpty() ? List.of() : this.runs.replaceAllIfNotTerminal("Finishing runs "
                + runs.stream().map(RunResult::runId).toList() + " together", runs, Optional.of(ownerInstanceId));
    }

    private boolean finishRun(RunResult run, Optional<String> owner) {
        if (!run.status().isTerminal()) {
            throw new IllegalArgumentException("finishRun needs a terminal status, got " + run.status());
        }
        return replaceIfNotTerminal("Finishing run " + run.runId() + " as " + run.status(), run, owner);
    }

    private boolean replaceIfNotTerminal(String action, RunResult run, Optional<String> owner) {
        return runs.replaceIfNotTerminal(action, run, owner);
    }

    @Override
    public Optional<RunResult> claimRun(String runId, String ownerInstanceId) {
        String claim = "UPDATE " + t.runs() + " SET owner_instance = ?, updated_at = ? WHERE run_id = ? AND status"
                + " NOT IN (" + RunWrites.quoted(RunStatus.terminal()) + ")";
        String tree = RunTree.ofRun(t);
        List<RunRow> rows = write("Taking over run " + runId, c -> {
            try (PreparedStatement ps = c.prepareStatement(claim)) {
                ps.setString(1, ownerInstanceId);
                ps.setLong(2, clock.millis());
                ps.setString(3, runId);
                ps.executeUpdate();
            }
            return RunTree.rows(c, tree, runId);
        });
        return RunTree.assemble(rows, r -> r.runId().equals(runId)).stream().findFirst();
    }

    @Override
    public Optional<String> runOwner(String runId) {
        String sql = "SELECT owner_instance FROM " + t.runs() + " WHERE run_id = ?";
        return read("Reading the owner of run " + runId, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, runId);
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.<String>empty();
                }
            }
        });
    }

    @Override
    public Optional<RunResult> getRun(String runId) {
        List<RunRow> rows = read("Reading run " + runId, c -> RunTree.rows(c, RunTree.ofRun(t), runId));
        return RunTree.assemble(rows, r -> r.runId().equals(runId)).stream().findFirst();
    }

    @Override
    public List<RunResult> listRuns(String sessionId) {
        String sql = "WITH RECURSIVE tree (run_id) AS (SELECT run_id FROM " + t.runs()
                + " WHERE session_id = ? AND parent_run_id IS NULL"
                + " UNION SELECT r.run_id FROM " + t.runs() + " r JOIN tree ON r.parent_run_id = tree.run_id)"
                + " SELECT " + RunWrites.RUN_COLUMNS + " FROM " + t.runs() + " WHERE run_id IN (SELECT run_id FROM tree)"
                + " ORDER BY seq";
        List<RunRow> rows = read("Listing runs of session " + sessionId, c -> RunTree.rows(c, sql, sessionId));
        return RunTree.assemble(rows, r -> r.parentRunId().isEmpty() && r.sessionId().equals(sessionId));
    }

    @Override
    public Page<RunResult> listRecentRuns(RunQuery q) {
        return recent.list(q);
    }

    @Override
    public List<RunSummary> recentRunSummaries(RunQuery filter, Instant since, int limit) {
        return recent.summaries(filter, since, limit);
    }

    @Override
    public Map<String, String> runOwners(Collection<String> runIds) {
        return recent.owners(runIds);
    }

    // ---- cancel requests ---------------------------------------------------------------------------

    @Override
    public Optional<RunResult> requestCancel(String runId, String reason) {
        return cancels.request(runId, reason);
    }

    @Override
    public Map<String, String> cancelRequests(String ownerInstanceId) {
        return cancels.of(ownerInstanceId);
    }

    // ---- user memories -----------------------------------------------------------------------------

    @Override
    public Optional<dev.cadre.memory.MemoryStore> memories() {
        return Optional.of(memories);
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
    public void declareDurable(String instanceId) {
        String sql = "INSERT INTO " + t.instances() + " (instance_id, started_at, heartbeat_at, durable) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT (instance_id) DO UPDATE SET durable = excluded.durable";
        write("Recording that " + instanceId + " executes durable runs", c -> {
            long now = clock.millis();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, instanceId);
                ps.setLong(2, now);
                ps.setLong(3, now);
                ps.setBoolean(4, true);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public Optional<java.time.Instant> lastHeartbeat(String instanceId) {
        String sql = "SELECT heartbeat_at FROM " + t.instances() + " WHERE instance_id = ?";
        return read("Reading the heartbeat of " + instanceId, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, instanceId);
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(java.time.Instant.ofEpochMilli(rs.getLong(1))) : Optional.empty();
                }
            }
        });
    }

    @Override
    public List<String> failOrphanedRuns(Duration staleAfter, String reason) {
        return runs.failOrphaned(staleAfter, reason);
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
        return runs.forgetInstances(olderThan);
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
