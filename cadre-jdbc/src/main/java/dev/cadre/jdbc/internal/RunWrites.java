package dev.cadre.jdbc.internal;

import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.db.ModelUsage;
import dev.cadre.db.SessionRecord;
import dev.cadre.db.Db;
import dev.cadre.db.DbException;
import dev.cadre.db.StoredText;
import dev.cadre.db.TokenCounts;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The writes of runs of a {@link JdbcStore}: insert, the terminal compare-and-set, the orphan sweep. Each is one
 * transaction that also keeps the session's first input, {@code updated_at} and usage in step. Thread-safe.
 */
final class RunWrites {

    /** The run columns reads select, in {@link RunRow#read} order. */
    static final String RUN_COLUMNS = "run_id, session_id, parent_run_id, component_type, component_id,"
            + " component_name, user_id, status, error_type, error_message, model, model_provider, input, content,"
            + " messages, tools, metrics, events, extra, created_at";

    private final Dialect dialect;
    private final Tables t;
    private final Clock clock;
    private final SqlErrors errors;
    private final JdbcCalls calls;
    private final UsageTable usage;
    private final String terminalList;
    private final String activeList;
    /** The columns an insert binds, in {@link #bindInserted} order. */
    static final String INSERTED_COLUMNS = RUN_COLUMNS + ", owner_instance, updated_at, " + UsageTable.TOKEN_COLUMNS;
    private final String insertedValues;
    /** The {@code SET} list of a replacing update, bound by {@link #bindReplaced}. */
    private final String replacedColumns;
    /** PostgreSQL's one-statement writes; empty on SQLite, which has no data-modifying {@code WITH}. */
    private final Optional<PostgresStatements> postgres;

    RunWrites(Dialect dialect, Tables tables, Clock clock, SqlErrors errors, JdbcCalls calls, UsageTable usage) {
        this.dialect = dialect;
        this.t = tables;
        this.clock = clock;
        this.errors = errors;
        this.calls = calls;
        this.usage = usage;
        this.terminalList = quoted(RunStatus.terminal());
        this.activeList = quoted(EnumSet.complementOf(EnumSet.copyOf(RunStatus.terminal())));
        String j = dialect.jsonParameter();
        this.insertedValues = "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, " + j + ", ?, " + j + ", " + j + ", " + j + ", " + j
                + ", " + j + ", ?, ?, ?, ?, ?, ?, ?, ?, ?";
        this.replacedColumns = "user_id = ?, status = ?, error_type = ?, error_message = ?, model = ?,"
                + " model_provider = ?, input = " + j + ", content = ?, messages = " + j + ", tools = " + j
                + ", metrics = " + j + ", events = " + j + ", extra = " + j + ", updated_at = ?, input_tokens = ?,"
                + " output_tokens = ?, total_tokens = ?, cache_read_tokens = ?, cache_write_tokens = ?,"
                + " reasoning_tokens = ?";
        this.postgres = dialect == Dialect.POSTGRES
                ? Optional.of(new PostgresStatements(tables, clock, terminalList)) : Optional.empty();
    }

    /** The statuses quoted for SQL, in name order: {@code 'CANCELLED', 'COMPLETED', 'ERROR'}. */
    static String quoted(Set<RunStatus> statuses) {
        return statuses.stream().map(s -> "'" + s.name() + "'").sorted().collect(Collectors.joining(", "));
    }

    /** The statuses that are not terminal, quoted for SQL, for {@code status IN (...)}. */
    String activeList() {
        return activeList;
    }

    void insert(RunResult run, String ownerInstanceId) {
        calls.write("Inserting run " + run.runId(), inserting(run, ownerInstanceId));
    }

    /** {@link #insert}'s statements, for a transaction that does more ({@code JdbcStore.startRun}). */
    JdbcCalls.SqlWork<Void> inserting(RunResult run, String ownerInstanceId) {
        StoredText.checkId("run id", run.runId());
        RunRow row = RunRow.of(run);
        // A listing names an unnamed session after its first run: keep that input on the session row.
        String firstInput = "UPDATE " + t.sessions() + " SET first_input = ? WHERE session_id = ? AND first_input IS NULL";
        String sql = "INSERT INTO " + t.runs() + " (" + INSERTED_COLUMNS + ") VALUES (" + insertedValues + ")";
        return c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                bindInserted(ps, 1, row, run, ownerInstanceId, clock.millis());
                ps.executeUpdate();
            } catch (SQLException e) {
                throw insertFailure(run, e);
            }
            if (run.parentRunId().isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement(firstInput)) {
                    ps.setString(1, SessionRecord.truncate(StoredText.clean(run.input().inputContent())));
                    ps.setString(2, run.sessionId());
                    ps.executeUpdate();
                }
            }
            usage.change(c, run.sessionId(), List.of(), ModelUsage.countedFor(run));
            return null;
        };
    }

    /**
     * An accept ({@code JdbcStore.startRun}): the session saved and the run inserted in one transaction — on
     * PostgreSQL in one statement, for a run that counts nothing in its session's usage yet (an accepted one).
     */
    void start(SessionRecord session, SessionTable sessions, RunResult run, String ownerInstanceId) {
        String action = "Starting run " + run.runId();
        if (postgres.isPresent() && PostgresStatements.canStart(run)) {
            StoredText.checkId("run id", run.runId());
            JdbcCalls.SqlWork<Void> start = postgres.get().starting(session, run, RunRow.of(run), ownerInstanceId,
                    INSERTED_COLUMNS, insertedValues);
            calls.writeStatement(action, c -> {
                try {
                    return start.run(c);
                } catch (SQLException e) {
                    throw insertFailure(run, e);
                }
            });
            return;
        }
        JdbcCalls.SqlWork<Void> save = sessions.saving(session);
        JdbcCalls.SqlWork<Void> insert = inserting(run, ownerInstanceId);
        calls.write(action, c -> {
            save.run(c);
            return insert.run(c);
        }, true); // an accept goes before the runs' progress
    }

    private SQLException insertFailure(RunResult run, SQLException e) {
        if (errors.isDuplicateKey(e)) {
            throw new DbException(DbException.Kind.CONFLICT, "A run with id " + run.runId()
                    + " exists already; run ids must be unique.", e);
        }
        if (errors.isMissingReference(e)) {
            throw new DbException(DbException.Kind.NOT_FOUND, "Session " + run.sessionId()
                    + " does not exist; save the session before its runs.", e);
        }
        return e;
    }

    /** Binds {@link #INSERTED_COLUMNS} from {@code i} on; returns the next index. */
    static int bindInserted(PreparedStatement ps, int i, RunRow row, RunResult run, String ownerInstanceId,
            long nowMillis) throws SQLException {
        i = bindContent(ps, i, row, true);
        ps.setString(i++, ownerInstanceId);
        ps.setLong(i++, nowMillis);
        return UsageTable.setTokens(ps, i, TokenCounts.of(run.metrics()));
    }

    /** Binds the columns {@link #replacedColumns} sets from {@code i} on; returns the next index. */
    static int bindReplaced(PreparedStatement ps, int i, RunRow row, RunResult run, long nowMillis)
            throws SQLException {
        i = bindContent(ps, i, row, false);
        ps.setLong(i++, nowMillis);
        return UsageTable.setTokens(ps, i, TokenCounts.of(run.metrics()));
    }

    /**
     * The compare-and-set: the {@code WHERE status NOT IN (terminal)} guard and the affected-row count decide, in
     * the database, which of two racing terminal writes wins. The run's row is read (and on PostgreSQL locked)
     * first, so the session's usage moves by exactly what this write changes. The run's owner may also replace
     * the orphan sweep's verdict on its own run.
     */
    boolean replaceIfNotTerminal(String action, RunResult run, Optional<String> owner) {
        RunRow row = RunRow.of(run);
        if (postgres.isPresent() && calls.writeStatement(action,
                postgres.get().replacingUnended(run, row, replacedColumns))) {
            return true;
        }
        // Not changed by the one statement (PostgreSQL), which only replaces a run that has not ended: the run is
        // missing, ended already, or ended by the orphan sweep — the transaction below tells which.
        // A cancelled run's end goes before the runs' progress: the cancel is what someone waits for.
        return calls.write(action, replacing(run, row, owner), run.status() == RunStatus.CANCELLED);
    }

    /**
     * Several runs' terminal states in one transaction, in the order given (a cancelled team run's members, then
     * the team run): one commit for all — on SQLite in one group, on PostgreSQL in one batch. Each is written as
     * {@link #replaceIfNotTerminal} writes it; the result says, per run, whether it was. A missing run fails the
     * call: on SQLite nothing is written then; on PostgreSQL the others are (each end is final on its own).
     */
    List<Boolean> replaceAllIfNotTerminal(String action, List<RunResult> runs, Optional<String> owner) {
        if (runs.size() == 1) {
            return List.of(replaceIfNotTerminal(action, runs.getFirst(), owner));
        }
        List<RunRow> rows = runs.stream().map(RunRow::of).toList();
        boolean urgent = runs.stream().anyMatch(r -> r.status() == RunStatus.CANCELLED);
        if (postgres.isPresent()) {
            // One batch, one round trip, one implicit transaction; the runs it did not change (missing, ended
            // already, ended by the orphan sweep) are then told apart one by one, as a single run's write is.
            List<Boolean> written = new ArrayList<>(calls.writeStatement(action,
                    postgres.get().replacingAllUnended(runs, rows, replacedColumns)));
            for (int i = 0; i < runs.size(); i++) {
                if (!written.get(i)) {
                    written.set(i, calls.write(action, replacing(runs.get(i), rows.get(i), owner), urgent));
                }
            }
            return List.copyOf(written);
        }
        return calls.write(action, c -> {
            List<Boolean> written = new ArrayList<>(runs.size());
            for (int i = 0; i < runs.size(); i++) {
                written.add(replacing(runs.get(i), rows.get(i), owner).run(c));
            }
            return List.copyOf(written);
        }, urgent);
    }

    /** The transaction's work that replaces {@code run}'s row unless it ended (see {@link #replaceIfNotTerminal}). */
    private JdbcCalls.SqlWork<Boolean> replacing(RunResult run, RunRow row, Optional<String> owner) {
        String current = "SELECT run_id, status, model, model_provider, metrics FROM " + t.runs() + " WHERE run_id = ?"
                + dialect.forUpdate();
        String update = "UPDATE " + t.runs() + " SET " + replacedColumns
                + " WHERE run_id = ? AND (status NOT IN (" + terminalList + ")"
                + (owner.isPresent() ? " OR (status = 'ERROR' AND error_type = '" + Db.ORPHAN_ERROR_TYPE
                        + "' AND owner_instance = ?)" : "") + ")";
        String touch = "UPDATE " + t.sessions() + " SET updated_at = ? WHERE session_id = ?";
        return c -> {
            List<ModelUsage> before;
            try (PreparedStatement ps = c.prepareStatement(current)) {
                ps.setString(1, row.runId());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new DbException(DbException.Kind.NOT_FOUND, "No run with id " + row.runId()
                                + "; insert it before updating it.");
                    }
                    before = UsageTable.counted(rs);
                }
            }
            long now = clock.millis();
            int changed;
            try (PreparedStatement ps = c.prepareStatement(update)) {
                int i = bindReplaced(ps, 1, row, run, now);
                ps.setString(i++, row.runId());
                if (owner.isPresent()) {
                    ps.setString(i, owner.get());
                }
                changed = ps.executeUpdate();
            }
            if (changed == 0) {
                return false;
            }
            usage.change(c, row.sessionId(), before, ModelUsage.countedFor(run));
            try (PreparedStatement ps = c.prepareStatement(touch)) {
                ps.setLong(1, now);
                ps.setString(2, row.sessionId());
                ps.executeUpdate();
            }
            return true;
        };
    }

    /**
     * Binds a row's columns: with {@code identity}, all of {@link #RUN_COLUMNS} (for an insert); without, those
     * an update replaces (user id, status and error, model, content and the JSON columns). Returns the next index.
     */
    private static int bindContent(PreparedStatement ps, int i, RunRow row, boolean identity) throws SQLException {
        if (identity) {
            ps.setString(i++, row.runId());
            ps.setString(i++, row.sessionId());
            JdbcStore.setOptional(ps, i++, row.parentRunId());
            ps.setString(i++, row.componentType());
            ps.setString(i++, row.componentId());
            ps.setString(i++, row.componentName());
        }
        JdbcStore.setOptional(ps, i++, row.userId());
        ps.setString(i++, row.status().name());
        JdbcStore.setOptional(ps, i++, row.errorType());
        JdbcStore.setOptional(ps, i++, row.errorMessage());
        JdbcStore.setOptional(ps, i++, row.model());
        JdbcStore.setOptional(ps, i++, row.modelProvider());
        ps.setString(i++, row.input());
        ps.setString(i++, row.content());
        ps.setString(i++, row.messages());
        ps.setString(i++, row.tools());
        ps.setString(i++, row.metrics());
        ps.setString(i++, row.events());
        JdbcStore.setOptional(ps, i++, row.extra());
        if (identity) {
            ps.setLong(i++, row.createdAtMillis());
        }
        return i;
    }

    /**
     * Ends the runs whose owner has not beaten recently enough, including owners that never did: a run with a
     * cancel request {@code CANCELLED} (no error, its content as last stored), any other {@code ERROR}
     * ({@value Db#ORPHAN_ERROR_TYPE}). One statement, so a run is ended at most once even with several sweepers;
     * the runs it ends count in their sessions' usage from then on.
     */
    List<String> failOrphaned(Duration staleAfter, String reason) {
        // Each row's own cancel_reason decides, in the statement that ends it, so a request recorded just before
        // the sweep is honoured. The parameters are cast so that PostgreSQL knows their type inside a CASE.
        String sql = "UPDATE " + t.runs() + " SET"
                + " status = CASE WHEN cancel_reason IS NULL THEN 'ERROR' ELSE 'CANCELLED' END,"
                + " error_type = CASE WHEN cancel_reason IS NULL THEN CAST(? AS TEXT) END,"
                + " error_message = CASE WHEN cancel_reason IS NULL THEN CAST(? AS TEXT) END, updated_at = ?"
                + " WHERE status IN (" + activeList + ") AND NOT EXISTS (SELECT 1 FROM " + t.instances() + " i"
                + " WHERE i.instance_id = " + t.runs() + ".owner_instance AND (i.heartbeat_at >= ? OR i.durable = ?))"
                + " RETURNING run_id, session_id, status, model, model_provider, metrics";
        return calls.write("Ending orphaned runs", c -> {
            Instant now = clock.instant();
            List<String> ended = new ArrayList<>();
            List<String> sessionIds = new ArrayList<>();
            List<List<ModelUsage>> counted = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, Db.ORPHAN_ERROR_TYPE);
                ps.setString(2, reason);
                ps.setLong(3, now.toEpochMilli());
                ps.setLong(4, now.minus(staleAfter).toEpochMilli());
                ps.setBoolean(5, true); // a durable process's runs are resumed by its peers, not ended
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ended.add(rs.getString("run_id"));
                        sessionIds.add(rs.getString("session_id"));
                        counted.add(UsageTable.counted(rs));
                    }
                }
            }
            for (int i = 0; i < ended.size(); i++) {
                usage.change(c, sessionIds.get(i), List.of(), counted.get(i));
            }
            return ended;
        });
    }

    /** Forgets instances that have not beaten for {@code olderThan}, and own no unfinished run. */
    int forgetInstances(Duration olderThan) {
        String sql = "DELETE FROM " + t.instances() + " WHERE heartbeat_at < ? AND NOT EXISTS (SELECT 1 FROM "
                + t.runs() + " r WHERE r.owner_instance = " + t.instances() + ".instance_id AND r.status IN ("
                + activeList + "))";
        return calls.write("Forgetting old process instances", c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setLong(1, clock.instant().minus(olderThan).toEpochMilli());
                return ps.executeUpdate();
            }
        });
    }
}
