package dev.cadre.jdbc.internal;

import com.zaxxer.hikari.HikariDataSource;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.run.TeamRunOutput;
import dev.cadre.store.Page;
import dev.cadre.store.SessionQuery;
import dev.cadre.store.SessionRecord;
import dev.cadre.store.SessionType;
import dev.cadre.store.Store;
import dev.cadre.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
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
    public static final String ORPHAN_ERROR_TYPE = "orphaned_run";

    private static final String RUN_COLUMNS = "run_id, session_id, parent_run_id, component_type, component_id,"
            + " component_name, user_id, status, error_type, error_message, model, model_provider, input, content,"
            + " messages, tools, metrics, events, extra, created_at";
    private static final String SESSION_COLUMNS =
            "session_id, session_type, component_id, user_id, name, created_at, updated_at";

    private final String id;
    private final Dialect dialect;
    private final DataSource reads;
    private final DataSource writes;
    private final Tables t;
    private final Clock clock;
    private final SqlErrors errors;
    private volatile boolean closed;

    private final String terminalList;
    private final String activeList;

    public JdbcStore(String id, Dialect dialect, DataSource reads, DataSource writes, Tables tables, Clock clock,
            SqlErrors errors) {
        this.id = id;
        this.dialect = dialect;
        this.reads = reads;
        this.writes = writes;
        this.t = tables;
        this.clock = clock;
        this.errors = errors;
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

    // ---- sessions ----------------------------------------------------------------------------------

    @Override
    public void saveSession(SessionRecord s) {
        String sql = "INSERT INTO " + t.sessions() + " (" + SESSION_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (session_id) DO UPDATE SET"
                + " updated_at = CASE WHEN excluded.updated_at > " + t.sessions() + ".updated_at"
                + " THEN excluded.updated_at ELSE " + t.sessions() + ".updated_at END,"
                + " user_id = COALESCE(" + t.sessions() + ".user_id, excluded.user_id)";
        write("Saving session " + s.sessionId(), c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, s.sessionId());
                ps.setString(2, s.type().wireName());
                ps.setString(3, s.componentId());
                setOptional(ps, 4, s.userId());
                setOptional(ps, 5, s.name());
                ps.setLong(6, s.createdAt().toEpochMilli());
                ps.setLong(7, s.updatedAt().toEpochMilli());
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public Optional<SessionRecord> getSession(String sessionId) {
        String sql = "SELECT " + SESSION_COLUMNS + " FROM " + t.sessions() + " WHERE session_id = ?";
        return read("Reading session " + sessionId, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, sessionId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(session(rs)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public Page<SessionRecord> listSessions(SessionQuery q) {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        List<String> args = new ArrayList<>();
        q.type().ifPresent(v -> { where.append(" AND session_type = ?"); args.add(v.wireName()); });
        q.componentId().ifPresent(v -> { where.append(" AND component_id = ?"); args.add(v); });
        q.userId().ifPresent(v -> { where.append(" AND user_id = ?"); args.add(v); });
        // The total comes with the page (a window count), so both describe the same moment.
        String pageSql = "SELECT " + SESSION_COLUMNS + ", COUNT(*) OVER () AS total FROM " + t.sessions() + where
                + " ORDER BY created_at DESC, session_id LIMIT ? OFFSET ?";
        String countSql = "SELECT COUNT(*) FROM " + t.sessions() + where;
        return read("Listing sessions", c -> {
            List<SessionRecord> items = new ArrayList<>();
            long total = -1;
            try (PreparedStatement ps = c.prepareStatement(pageSql)) {
                int i = bind(ps, args);
                ps.setInt(i++, q.limit());
                ps.setInt(i, q.offset());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        items.add(session(rs));
                        total = rs.getLong("total");
                    }
                }
            }
            if (total < 0) { // a page past the end has no rows to carry the total
                try (PreparedStatement ps = c.prepareStatement(countSql)) {
                    bind(ps, args);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        total = rs.getLong(1);
                    }
                }
            }
            return new Page<>(items, q.page(), q.limit(), total);
        });
    }

    @Override
    public boolean renameSession(String sessionId, String name) {
        String sql = "UPDATE " + t.sessions() + " SET name = ? WHERE session_id = ?";
        return write("Renaming session " + sessionId, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, name);
                ps.setString(2, sessionId);
                return ps.executeUpdate() > 0;
            }
        });
    }

    @Override
    public boolean deleteSession(String sessionId) {
        // The runs go with it: ON DELETE CASCADE.
        String sql = "DELETE FROM " + t.sessions() + " WHERE session_id = ?";
        return write("Deleting session " + sessionId, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, sessionId);
                return ps.executeUpdate() > 0;
            }
        });
    }

    // ---- runs -------------------------------------------------------------------------------------

    @Override
    public void insertRun(RunResult run, String ownerInstanceId) {
        RunRow row = RunRow.of(run);
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
                    throw new StoreException("A run with id " + run.runId()
                            + " exists already; run ids must be unique.", e);
                }
                if (errors.isMissingReference(e)) {
                    throw new StoreException("Session " + run.sessionId()
                            + " does not exist; save the session before its runs.", e);
                }
                throw e;
            }
            return null;
        });
    }

    @Override
    public boolean updateRun(RunResult run) {
        return replaceIfNotTerminal("Updating run " + run.runId(), run);
    }

    @Override
    public boolean finishRun(RunResult run) {
        if (!run.status().isTerminal()) {
            throw new IllegalArgumentException("finishRun needs a terminal status, got " + run.status());
        }
        return replaceIfNotTerminal("Finishing run " + run.runId() + " as " + run.status(), run);
    }

    /**
     * The compare-and-set: the {@code WHERE status NOT IN (terminal)} guard and the affected-row
     * count decide, in the database, which of two racing terminal writes wins. PostgreSQL re-checks
     * the guard on the locked row; SQLite has one writer at a time.
     */
    private boolean replaceIfNotTerminal(String action, RunResult run) {
        RunRow row = RunRow.of(run);
        String j = dialect.jsonParameter();
        String update = "UPDATE " + t.runs() + " SET user_id = ?, status = ?, error_type = ?, error_message = ?,"
                + " model = ?, model_provider = ?, input = " + j + ", content = ?, messages = " + j + ", tools = "
                + j + ", metrics = " + j + ", events = " + j + ", extra = " + j + ", updated_at = ?"
                + " WHERE run_id = ? AND status NOT IN (" + terminalList + ")";
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
                changed = ps.executeUpdate();
            }
            if (changed == 0) {
                try (PreparedStatement ps = c.prepareStatement(exists)) {
                    ps.setString(1, row.runId());
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            throw new StoreException("No run with id " + row.runId()
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
        List<RunRow> rows = read("Reading run " + runId, c -> runRows(c, sql, runId));
        List<RunResult> roots = assemble(rows, r -> r.runId().equals(runId));
        return roots.stream().findFirst();
    }

    @Override
    public List<RunResult> listRuns(String sessionId) {
        String sql = "WITH RECURSIVE tree (run_id) AS (SELECT run_id FROM " + t.runs()
                + " WHERE session_id = ? AND parent_run_id IS NULL"
                + " UNION SELECT r.run_id FROM " + t.runs() + " r JOIN tree ON r.parent_run_id = tree.run_id)"
                + " SELECT " + RUN_COLUMNS + " FROM " + t.runs() + " WHERE run_id IN (SELECT run_id FROM tree)"
                + " ORDER BY seq";
        List<RunRow> rows = read("Listing runs of session " + sessionId, c -> runRows(c, sql, sessionId));
        return assemble(rows, r -> r.parentRunId().isEmpty() && r.sessionId().equals(sessionId));
    }

    private static List<RunRow> runRows(Connection c, String sql, String arg) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                List<RunRow> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(RunRow.read(rs));
                }
                return rows;
            }
        }
    }

    /** Builds run trees from rows in start order; returns the rows matching {@code isRoot}, with members. */
    private static List<RunResult> assemble(List<RunRow> rows, Predicate<RunRow> isRoot) {
        Map<String, List<RunRow>> children = new HashMap<>();
        for (RunRow r : rows) {
            r.parentRunId().ifPresent(p -> children.computeIfAbsent(p, k -> new ArrayList<>()).add(r));
        }
        List<RunResult> out = new ArrayList<>();
        Set<String> path = new HashSet<>();
        for (RunRow r : rows) {
            if (isRoot.test(r)) {
                out.add(withMembers(r, children, path));
            }
        }
        return out;
    }

    private static RunResult withMembers(RunRow row, Map<String, List<RunRow>> children, Set<String> path) {
        RunResult run = row.toRun();
        if (!(run instanceof TeamRunOutput team) || !path.add(row.runId())) {
            return run;
        }
        List<RunResult> members = new ArrayList<>();
        for (RunRow child : children.getOrDefault(row.runId(), List.of())) {
            members.add(withMembers(child, children, path));
        }
        path.remove(row.runId());
        return team.withMemberResponses(members);
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
        closed = true;
    }

    // ---- plumbing ---------------------------------------------------------------------------------

    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs {@code work} in one transaction on the write connection. */
    public <T> T write(String action, SqlWork<T> work) {
        checkOpen(action);
        try (Connection c = writes.getConnection()) {
            try {
                c.setAutoCommit(false);
            } catch (SQLException e) {
                evict(c, e);
                throw e;
            }
            T result;
            try {
                result = work.run(c);
            } catch (SQLException | RuntimeException e) {
                rollback(c, e);
                throw e;
            }
            try {
                c.commit();
            } catch (SQLException e) {
                rollback(c, e);
                throw e;
            }
            return result;
        } catch (SQLException e) {
            throw errors.translate(action, e);
        }
    }

    /** Runs {@code work} on a read connection; a single statement sees one consistent snapshot. */
    public <T> T read(String action, SqlWork<T> work) {
        checkOpen(action);
        try (Connection c = reads.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw errors.translate(action, e);
        }
    }

    private void checkOpen(String action) {
        if (closed) {
            throw new StoreException(action + " failed: the store for the " + errors.target()
                    + " is closed. Use a store that is open.");
        }
    }

    private void rollback(Connection c, Exception cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
            evict(c, e);
        }
    }

    /**
     * Drops a connection whose transaction state is unknown after a failed begin, commit or
     * rollback, so the pool never hands it out again. (The SQLite driver, for one, believes a
     * transaction is open after {@code BEGIN} failed with "database is locked".)
     */
    private void evict(Connection c, Exception cause) {
        if (writes instanceof HikariDataSource pool) {
            try {
                pool.evictConnection(c);
            } catch (RuntimeException e) {
                cause.addSuppressed(e);
            }
        }
    }

    private static SessionRecord session(ResultSet rs) throws SQLException {
        return new SessionRecord(rs.getString("session_id"), SessionType.fromWire(rs.getString("session_type")),
                rs.getString("component_id"), Optional.ofNullable(rs.getString("user_id")),
                Optional.ofNullable(rs.getString("name")), Instant.ofEpochMilli(rs.getLong("created_at")),
                Instant.ofEpochMilli(rs.getLong("updated_at")));
    }

    private static void setOptional(PreparedStatement ps, int index, Optional<String> value) throws SQLException {
        if (value.isPresent()) {
            ps.setString(index, value.get());
        } else {
            ps.setNull(index, Types.VARCHAR);
        }
    }

    private static int bind(PreparedStatement ps, List<String> args) throws SQLException {
        int i = 1;
        for (String a : args) {
            ps.setString(i++, a);
        }
        return i;
    }
}
