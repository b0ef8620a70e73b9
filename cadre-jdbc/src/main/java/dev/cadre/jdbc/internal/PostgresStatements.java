package dev.cadre.jdbc.internal;

import dev.cadre.db.ModelUsage;
import dev.cadre.db.SessionRecord;
import dev.cadre.db.StoredText;
import dev.cadre.db.TokenCounts;
import dev.cadre.run.RunResult;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.ToLongFunction;

/**
 * A run's accept and its usual updates on PostgreSQL as one statement each — data-modifying {@code WITH} clauses —
 * committed by itself: one round trip to the server where the same writes as a transaction take one per statement
 * and one more for the commit (an accept four, a final write five). What a run waits for between {@code cancelRun}
 * and its stored end, and what an accept waits for, is mostly those round trips.
 *
 * <p>Only the common case goes this way: a run that has not ended yet being updated. Everything else — the run is
 * missing, has ended already, or was ended by the orphan sweep and its owner replaces that verdict — makes the
 * statement change nothing, and the caller then does the write as a transaction, which tells those cases apart.
 * The compare-and-set is the same: PostgreSQL re-checks the {@code WHERE} of an {@code UPDATE} that waited for a
 * concurrent one on the row's new version. Thread-safe (stateless).
 */
final class PostgresStatements {

    /** The six token counts, in the order of {@link UsageTable#TOKEN_COLUMNS}. */
    private static final List<ToLongFunction<TokenCounts>> TOKENS = List.of(TokenCounts::inputTokens,
            TokenCounts::outputTokens, TokenCounts::totalTokens, TokenCounts::cacheReadTokens,
            TokenCounts::cacheWriteTokens, TokenCounts::reasoningTokens);

    private final Tables t;
    private final Clock clock;
    private final String terminalList;

    PostgresStatements(Tables tables, Clock clock, String terminalList) {
        this.t = tables;
        this.clock = clock;
        this.terminalList = terminalList;
    }

    /**
     * Replaces a run that has not ended with {@code run} — its columns, its session's {@code updated_at} and, when
     * {@code run} ends it, the session's usage — in one statement. Returns whether the run was changed; false
     * leaves everything as it was.
     */
    JdbcCalls.SqlWork<Boolean> replacingUnended(RunResult run, RunRow row, String setColumns) {
        return c -> {
            try (PreparedStatement ps = c.prepareStatement(replacingSql(setColumns))) {
                bindReplacing(c, ps, run, row);
                return ps.executeUpdate() > 0;
            }
        };
    }

    /**
     * {@link #replacingUnended} for several runs in one batch — the statement is the same text for every run — so
     * that on a connection in auto-commit they go in one round trip and commit together, in one implicit
     * transaction (the driver syncs once, after the batch). Returns, per run in order, whether it was changed.
     */
    JdbcCalls.SqlWork<List<Boolean>> replacingAllUnended(List<RunResult> runs, List<RunRow> rows, String setColumns) {
        return c -> {
            try (PreparedStatement ps = c.prepareStatement(replacingSql(setColumns))) {
                for (int i = 0; i < runs.size(); i++) {
                    bindReplacing(c, ps, runs.get(i), rows.get(i));
                    ps.addBatch();
                }
                int[] counts = ps.executeBatch();
                List<Boolean> changed = new ArrayList<>(counts.length);
                for (int count : counts) {
                    changed.add(count > 0);
                }
                return List.copyOf(changed);
            }
        };
    }

    /**
     * The run's row replaced unless it ended, the usage its end counts added (arrays, one element per model: none
     * for a run that does not end, so one text serves every run), and the session touched. The update count is that
     * of the session touched: 1 when the run was replaced (a run's session always exists), 0 when it was not.
     */
    private String replacingSql(String setColumns) {
        String u = t.usage();
        return "WITH changed AS (UPDATE " + t.runs() + " SET " + setColumns
                + " WHERE run_id = ? AND status NOT IN (" + terminalList + ") RETURNING session_id),"
                + " counted AS (INSERT INTO " + u + " (session_id, model, model_provider, " + UsageTable.TOKEN_COLUMNS
                + ") SELECT changed.session_id, v.model, v.provider, v.i, v.o, v.t, v.cr, v.cw, v.r FROM changed"
                + " CROSS JOIN unnest(CAST(? AS TEXT[]), CAST(? AS TEXT[])" + ", CAST(? AS BIGINT[])".repeat(6)
                + ") AS v (model, provider, i, o, t, cr, cw, r)" + UsageTable.addingOnConflict(u) + ")"
                + " UPDATE " + t.sessions() + " SET updated_at = ? WHERE session_id IN (SELECT session_id FROM changed)";
    }

    private void bindReplacing(Connection c, PreparedStatement ps, RunResult run, RunRow row) throws SQLException {
        List<ModelUsage> counted = ModelUsage.countedFor(run);
        long now = clock.millis();
        int i = RunWrites.bindReplaced(ps, 1, row, run, now);
        ps.setString(i++, row.runId());
        ps.setArray(i++, c.createArrayOf("text", counted.stream().map(ModelUsage::modelId).toArray()));
        ps.setArray(i++, c.createArrayOf("text", counted.stream().map(ModelUsage::provider).toArray()));
        for (ToLongFunction<TokenCounts> count : TOKENS) {
            ps.setArray(i++, c.createArrayOf("bigint", counted.stream().map(m -> count.applyAsLong(m.tokens()))
                    .toArray()));
        }
        ps.setLong(i, now);
    }

    /**
     * An accept in one statement: the session saved (created, or its {@code updated_at} and user kept up), the run
     * inserted, and the session's first input kept when the run is a top-level one. For a run that does not count
     * in its session's usage yet (one that has not ended), as an accepted run does not; the caller checks.
     */
    JdbcCalls.SqlWork<Void> starting(SessionRecord s, RunResult run, RunRow row, String ownerInstanceId,
            String runColumns, String runValues) {
        StoredText.checkId("session id", s.sessionId());
        s.userId().ifPresent(u -> StoredText.checkId("user id", u));
        String ss = t.sessions();
        String sql = "WITH saved AS (INSERT INTO " + ss + " (" + SessionTable.SAVED_COLUMNS + ", first_input)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (session_id) DO UPDATE SET"
                + " updated_at = CASE WHEN excluded.updated_at > " + ss + ".updated_at"
                + " THEN excluded.updated_at ELSE " + ss + ".updated_at END,"
                + " user_id = COALESCE(" + ss + ".user_id, excluded.user_id),"
                + " first_input = COALESCE(" + ss + ".first_input, excluded.first_input) RETURNING session_id)"
                + " INSERT INTO " + t.runs() + " (" + runColumns + ") SELECT " + runValues + " FROM saved";
        Optional<String> firstInput = run.parentRunId().isPresent() ? Optional.empty()
                : Optional.of(SessionRecord.truncate(StoredText.clean(run.input().inputContent())));
        return c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = SessionTable.bindSaved(ps, s, s.name().map(StoredText::clean));
                JdbcStore.setOptional(ps, i++, firstInput);
                i = RunWrites.bindInserted(ps, i, row, run, ownerInstanceId, clock.millis());
                ps.executeUpdate();
            }
            return null;
        };
    }

    /** Whether {@link #starting} can take {@code run}: it counts nothing in its session's usage yet. */
    static boolean canStart(RunResult run) {
        return ModelUsage.countedFor(run).isEmpty();
    }
}
