package dev.cadre.jdbc.internal;

import dev.cadre.run.RunResult;
import dev.cadre.store.ModelUsage;
import dev.cadre.store.SessionUsage;
import dev.cadre.store.TokenCounts;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The usage table of a {@link JdbcStore}: per session and model, the tokens of the session's ended runs. Every
 * write that changes what a run counts for (it ends, or its owner rewrites an end the orphan sweep guessed) adds
 * the difference in the same transaction, so the table always equals the sum over the session's ended runs; a
 * listing reads it instead of the runs. Thread-safe (stateless).
 */
final class UsageTable {

    /** What one run counts for in its session's usage: nothing until it has ended. */
    record Counted(String model, String provider, TokenCounts tokens) {

        static Optional<Counted> of(RunResult run) {
            return of(run.status().isTerminal(), run.model().orElse(""), run.modelProvider().orElse(""),
                    TokenCounts.of(run.metrics()));
        }

        static Optional<Counted> of(boolean ended, String model, String provider, TokenCounts tokens) {
            return ended && !tokens.isZero() ? Optional.of(new Counted(model, provider, tokens)) : Optional.empty();
        }

        /** The counted columns of the current row of {@code rs}: status, model, model_provider and the tokens. */
        static Optional<Counted> read(ResultSet rs) throws SQLException {
            boolean ended = dev.cadre.run.RunStatus.valueOf(rs.getString("status")).isTerminal();
            return of(ended, nonNull(rs.getString("model")), nonNull(rs.getString("model_provider")), UsageTable.tokens(rs));
        }
    }

    static final String TOKEN_COLUMNS = "input_tokens, output_tokens, total_tokens, cache_read_tokens, reasoning_tokens";

    private final Tables t;

    UsageTable(Tables tables) {
        this.t = tables;
    }

    /** Moves the session's usage from what a run counted for {@code before} a write to what it counts for {@code after}. */
    void change(Connection c, String sessionId, Optional<Counted> before, Optional<Counted> after)
            throws SQLException {
        if (before.equals(after)) {
            return;
        }
        if (before.isPresent() && after.isPresent() && sameModel(before.get(), after.get())) {
            add(c, sessionId, after.get().model(), after.get().provider(),
                    after.get().tokens().minus(before.get().tokens()));
            return;
        }
        if (before.isPresent()) {
            add(c, sessionId, before.get().model(), before.get().provider(), TokenCounts.ZERO.minus(before.get().tokens()));
        }
        if (after.isPresent()) {
            add(c, sessionId, after.get().model(), after.get().provider(), after.get().tokens());
        }
    }

    private static boolean sameModel(Counted a, Counted b) {
        return a.model().equals(b.model()) && a.provider().equals(b.provider());
    }

    private void add(Connection c, String sessionId, String model, String provider, TokenCounts delta)
            throws SQLException {
        if (delta.isZero()) {
            return;
        }
        String u = t.usage();
        String upsert = "INSERT INTO " + u + " (session_id, model, model_provider, " + TOKEN_COLUMNS + ")"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (session_id, model, model_provider) DO UPDATE SET"
                + " input_tokens = " + u + ".input_tokens + excluded.input_tokens,"
                + " output_tokens = " + u + ".output_tokens + excluded.output_tokens,"
                + " total_tokens = " + u + ".total_tokens + excluded.total_tokens,"
                + " cache_read_tokens = " + u + ".cache_read_tokens + excluded.cache_read_tokens,"
                + " reasoning_tokens = " + u + ".reasoning_tokens + excluded.reasoning_tokens";
        try (PreparedStatement ps = c.prepareStatement(upsert)) {
            ps.setString(1, sessionId);
            ps.setString(2, model);
            ps.setString(3, provider);
            setTokens(ps, 4, delta);
            ps.executeUpdate();
        }
        if (delta.inputTokens() >= 0 && delta.outputTokens() >= 0 && delta.totalTokens() >= 0
                && delta.cacheReadTokens() >= 0 && delta.reasoningTokens() >= 0) {
            return;
        }
        // A model a rewritten run no longer counts for leaves nothing behind.
        String emptied = "DELETE FROM " + u + " WHERE session_id = ? AND model = ? AND model_provider = ?"
                + " AND input_tokens = 0 AND output_tokens = 0 AND total_tokens = 0 AND cache_read_tokens = 0"
                + " AND reasoning_tokens = 0";
        try (PreparedStatement ps = c.prepareStatement(emptied)) {
            ps.setString(1, sessionId);
            ps.setString(2, model);
            ps.setString(3, provider);
            ps.executeUpdate();
        }
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
                rs.getLong("cache_read_tokens"), rs.getLong("reasoning_tokens"));
    }

    /** Binds the five token counts from {@code index} on; returns the next index. */
    static int setTokens(PreparedStatement ps, int index, TokenCounts tokens) throws SQLException {
        ps.setLong(index, tokens.inputTokens());
        ps.setLong(index + 1, tokens.outputTokens());
        ps.setLong(index + 2, tokens.totalTokens());
        ps.setLong(index + 3, tokens.cacheReadTokens());
        ps.setLong(index + 4, tokens.reasoningTokens());
        return index + 5;
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }
}
