package dev.cadre.jdbc.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.cadre.json.CadreJson;
import dev.cadre.run.RunMetrics;
import dev.cadre.run.RunStatus;
import dev.cadre.db.ModelUsage;
import dev.cadre.db.SessionUsage;
import dev.cadre.db.TokenCounts;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The usage table of a {@link JdbcStore}: per session and model, the tokens of the session's ended runs, as
 * {@link ModelUsage#countedFor} counts each run. Every write that changes what a run counts for (it ends, or its
 * owner rewrites an end the orphan sweep guessed) adds the difference in the same transaction, so the table
 * always equals the sum over the session's ended runs; a listing reads it instead of the runs. Thread-safe
 * (stateless).
 */
final class UsageTable {

    /**
     * What the run of the current row of {@code rs} counts for ({@link ModelUsage#countedFor}): {@code rs} selects
     * status, model, model_provider and metrics.
     */
    static List<ModelUsage> counted(ResultSet rs) throws SQLException {
        RunMetrics metrics;
        try {
            metrics = CadreJson.mapper().readValue(rs.getString("metrics"), RunMetrics.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("The stored metrics of run " + rs.getString("run_id")
                    + " cannot be read back: " + e.getMessage(), e);
        }
        return ModelUsage.countedFor(RunStatus.valueOf(rs.getString("status")),
                Optional.ofNullable(rs.getString("model")), Optional.ofNullable(rs.getString("model_provider")),
                metrics);
    }

    static final String TOKEN_COLUMNS = "input_tokens, output_tokens, total_tokens, cache_read_tokens,"
            + " cache_write_tokens, reasoning_tokens";

    private final Tables t;

    UsageTable(Tables tables) {
        this.t = tables;
    }

    /** Moves the session's usage from what a run counted for {@code before} a write to what it counts for {@code after}. */
    void change(Connection c, String sessionId, List<ModelUsage> before, List<ModelUsage> after)
            throws SQLException {
        Map<List<String>, TokenCounts> delta = new LinkedHashMap<>();
        for (ModelUsage m : after) {
            delta.merge(List.of(m.modelId(), m.provider()), m.tokens(), TokenCounts::plus);
        }
        for (ModelUsage m : before) {
            delta.merge(List.of(m.modelId(), m.provider()), TokenCounts.ZERO.minus(m.tokens()), TokenCounts::plus);
        }
        for (var e : delta.entrySet()) {
            add(c, sessionId, e.getKey().get(0), e.getKey().get(1), e.getValue());
        }
    }

    private void add(Connection c, String sessionId, String model, String provider, TokenCounts delta)
            throws SQLException {
        if (delta.isZero()) {
            return;
        }
        String u = t.usage();
        String upsert = "INSERT INTO " + u + " (session_id, model, model_provider, " + TOKEN_COLUMNS + ")"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)" + addingOnConflict(u);
        try (PreparedStatement ps = c.prepareStatement(upsert)) {
            ps.setString(1, sessionId);
            ps.setString(2, model);
            ps.setString(3, provider);
            setTokens(ps, 4, delta);
            ps.executeUpdate();
        }
        if (!delta.takesAway()) {
            return;
        }
        // A model a rewritten run no longer counts for leaves nothing behind.
        String emptied = "DELETE FROM " + u + " WHERE session_id = ? AND model = ? AND model_provider = ?"
                + " AND input_tokens = 0 AND output_tokens = 0 AND total_tokens = 0 AND cache_read_tokens = 0"
                + " AND cache_write_tokens = 0 AND reasoning_tokens = 0";
        try (PreparedStatement ps = c.prepareStatement(emptied)) {
            ps.setString(1, sessionId);
            ps.setString(2, model);
            ps.setString(3, provider);
            ps.executeUpdate();
        }
    }

    /** What ends an insert into usage table {@code u} so that a model's row already there is added to. */
    static String addingOnConflict(String u) {
        return " ON CONFLICT (session_id, model, model_provider) DO UPDATE SET"
                + " input_tokens = " + u + ".input_tokens + excluded.input_tokens,"
                + " output_tokens = " + u + ".output_tokens + excluded.output_tokens,"
                + " total_tokens = " + u + ".total_tokens + excluded.total_tokens,"
                + " cache_read_tokens = " + u + ".cache_read_tokens + excluded.cache_read_tokens,"
                + " cache_write_tokens = " + u + ".cache_write_tokens + excluded.cache_write_tokens,"
                + " reasoning_tokens = " + u + ".reasoning_tokens + excluded.reasoning_tokens";
    }

    /** The usage of each of {@code sessionIds} (sessions without any usage are absent): one statement. */
    Map<String, SessionUsage> read(Connection c, Collection<String> sessionIds) throws SQLException {
        if (sessionIds.isEmpty()) {
            return Map.of();
        }
        String sql = "SELECT session_id, model, model_provider, " + TOKEN_COLUMNS + " FROM " + t.usage()
                + " WHERE session_id IN (" + String.join(", ", Collections.nCopies(sessionIds.size(), "?")) + ")";
        Map<String, List<ModelUsage>> models = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            for (String id : sessionIds) {
                ps.setString(i++, id);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    models.computeIfAbsent(rs.getString("session_id"), k -> new ArrayList<>()).add(new ModelUsage(
                            rs.getString("model"), rs.getString("model_provider"), tokens(rs)));
                }
            }
        }
        Map<String, SessionUsage> out = new HashMap<>();
        models.forEach((id, m) -> out.put(id, new SessionUsage(m)));
        return out;
    }

    static TokenCounts tokens(ResultSet rs) throws SQLException {
        return new TokenCounts(rs.getLong("input_tokens"), rs.getLong("output_tokens"), rs.getLong("total_tokens"),
                rs.getLong("cache_read_tokens"), rs.getLong("cache_write_tokens"), rs.getLong("reasoning_tokens"));
    }

    /** Binds the six token counts of {@link #TOKEN_COLUMNS} from {@code index} on; returns the next index. */
    static int setTokens(PreparedStatement ps, int index, TokenCounts tokens) throws SQLException {
        ps.setLong(index, tokens.inputTokens());
        ps.setLong(index + 1, tokens.outputTokens());
        ps.setLong(index + 2, tokens.totalTokens());
        ps.setLong(index + 3, tokens.cacheReadTokens());
        ps.setLong(index + 4, tokens.cacheWriteTokens());
        ps.setLong(index + 5, tokens.reasoningTokens());
        return index + 6;
    }
}
