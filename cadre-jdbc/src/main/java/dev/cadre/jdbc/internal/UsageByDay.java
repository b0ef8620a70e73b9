package dev.cadre.jdbc.internal;

import dev.cadre.run.RunStatus;
import dev.cadre.db.DailyUsage;
import dev.cadre.db.SessionType;
import dev.cadre.db.TokenCounts;
import dev.cadre.db.UsageQuery;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * {@link dev.cadre.db.Db#usageByDay} in SQL: three grouped statements in one read transaction (sessions by
 * day and type; ended runs by day, session type and model; distinct users by day), each walking a time index of
 * the range, and never reading JSON. Thread-safe (stateless).
 */
final class UsageByDay {

    private static final long DAY_MILLIS = 86_400_000L;

    private final Tables t;
    private final JdbcCalls calls;
    private final String terminalList;

    UsageByDay(Tables tables, JdbcCalls calls) {
        this.t = tables;
        this.calls = calls;
        this.terminalList = RunStatus.terminal().stream().map(s -> "'" + s.name() + "'").sorted()
                .collect(Collectors.joining(", "));
    }

    List<DailyUsage> query(UsageQuery q) {
        long from = q.from().map(UsageByDay::startOf).orElse(Long.MIN_VALUE);
        long until = q.to().map(d -> startOf(d.plusDays(1))).orElse(Long.MAX_VALUE);
        Optional<String> user = q.userId();
        // Integer division by the length of a day gives the UTC day: epoch milliseconds have no leap seconds.
        String sessions = "SELECT created_at / " + DAY_MILLIS + " AS day, session_type, COUNT(*) AS n,"
                + " MIN(created_at) AS first_at, MAX(updated_at) AS last_at FROM " + t.sessions()
                + " WHERE created_at >= ? AND created_at < ?" + (user.isPresent() ? " AND user_id = ?" : "")
                + " GROUP BY 1, 2";
        String runs = "SELECT r.created_at / " + DAY_MILLIS + " AS day, s.session_type, COALESCE(r.model, '') AS model,"
                + " COALESCE(r.model_provider, '') AS model_provider, COUNT(*) AS n,"
                + " SUM(r.input_tokens) AS input_tokens, SUM(r.output_tokens) AS output_tokens,"
                + " SUM(r.total_tokens) AS total_tokens, SUM(r.cache_read_tokens) AS cache_read_tokens,"
                + " SUM(r.cache_write_tokens) AS cache_write_tokens,"
                + " SUM(r.reasoning_tokens) AS reasoning_tokens, MIN(r.created_at) AS first_at,"
                + " MAX(r.updated_at) AS last_at FROM " + t.runs() + " r JOIN " + t.sessions()
                + " s ON s.session_id = r.session_id WHERE r.status IN (" + terminalList + ")"
                + " AND r.created_at >= ? AND r.created_at < ?" + (user.isPresent() ? " AND r.user_id = ?" : "")
                + " GROUP BY 1, 2, 3, 4";
        String users = "SELECT created_at / " + DAY_MILLIS + " AS day, COUNT(DISTINCT user_id) AS n FROM " + t.runs()
                + " WHERE status IN (" + terminalList + ") AND created_at >= ? AND created_at < ?"
                + (user.isPresent() ? " AND user_id = ?" : "") + " GROUP BY 1";
        return calls.readSnapshot("Adding up usage by day", c -> {
            TreeMap<Long, Day> days = new TreeMap<>();
            try (ResultSet rs = select(c, sessions, from, until, user)) {
                while (rs.next()) {
                    Day d = days.computeIfAbsent(rs.getLong("day"), k -> new Day());
                    long n = rs.getLong("n");
                    if (SessionType.fromWire(rs.getString("session_type")) == SessionType.TEAM) {
                        d.teamSessions += n;
                    } else {
                        d.agentSessions += n;
                    }
                    d.seen(rs.getLong("first_at"), rs.getLong("last_at"));
                }
            }
            try (ResultSet rs = select(c, runs, from, until, user)) {
                while (rs.next()) {
                    Day d = days.computeIfAbsent(rs.getLong("day"), k -> new Day());
                    long n = rs.getLong("n");
                    if (SessionType.fromWire(rs.getString("session_type")) == SessionType.TEAM) {
                        d.teamRuns += n;
                    } else {
                        d.agentRuns += n;
                    }
                    d.tokens = d.tokens.plus(UsageTable.tokens(rs));
                    String model = rs.getString("model");
                    if (!model.isEmpty()) {
                        d.models.merge(model + "\u0000" + rs.getString("model_provider"), n, Long::sum);
                    }
                    d.seen(rs.getLong("first_at"), rs.getLong("last_at"));
                }
            }
            try (ResultSet rs = select(c, users, from, until, user)) {
                while (rs.next()) {
                    days.computeIfAbsent(rs.getLong("day"), k -> new Day()).users = rs.getLong("n");
                }
            }
            List<DailyUsage> out = new ArrayList<>();
            days.forEach((day, d) -> out.add(d.toUsage(LocalDate.ofEpochDay(day))));
            return out;
        });
    }

    private static long startOf(LocalDate day) {
        return day.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }

    /** Runs {@code sql} with the range and the user bound; the statement closes with its result set. */
    private static ResultSet select(Connection c, String sql, long from, long until, Optional<String> user)
            throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        try {
            ps.closeOnCompletion();
            ps.setLong(1, from);
            ps.setLong(2, until);
            if (user.isPresent()) {
                ps.setString(3, user.get());
            }
            return ps.executeQuery();
        } catch (SQLException | RuntimeException e) {
            ps.close();
            throw e;
        }
    }

    private static final class Day {
        long agentRuns;
        long agentSessions;
        long teamRuns;
        long teamSessions;
        long users;
        TokenCounts tokens = TokenCounts.ZERO;
        /** model id NUL provider (ids and providers hold no NUL) → runs; sorted, as the result lists them. */
        final TreeMap<String, Long> models = new TreeMap<>();
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;

        void seen(long firstAt, long lastAt) {
            first = Math.min(first, firstAt);
            last = Math.max(last, lastAt);
        }

        DailyUsage toUsage(LocalDate date) {
            List<DailyUsage.ModelRuns> m = new ArrayList<>();
            models.forEach((k, n) -> {
                int cut = k.indexOf('\u0000');
                m.add(new DailyUsage.ModelRuns(k.substring(0, cut), k.substring(cut + 1), n));
            });
            return new DailyUsage(date, agentRuns, agentSessions, teamRuns, teamSessions, users, tokens, m,
                    Instant.ofEpochMilli(first), Instant.ofEpochMilli(last));
        }
    }
}
