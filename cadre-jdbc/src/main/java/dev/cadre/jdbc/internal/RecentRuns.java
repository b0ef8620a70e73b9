package dev.cadre.jdbc.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cadre.db.Db;
import dev.cadre.db.Page;
import dev.cadre.db.RunQuery;
import dev.cadre.db.RunSummary;
import dev.cadre.json.CadreJson;
import dev.cadre.run.RunMetrics;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reads across sessions of a {@link JdbcStore}: the recent runs ({@link Db#listRecentRuns}), their summaries for
 * a chart ({@link Db#recentRunSummaries}) and their owners ({@link Db#runOwners}). Each is one statement (a listing,
 * two: its count and its page), whatever the number of runs. Thread-safe (stateless).
 */
final class RecentRuns {

    /** Owners are asked for in chunks of this many ids: well under every driver's limit on parameters. */
    private static final int OWNER_CHUNK = 500;
    private static final ObjectMapper JSON = CadreJson.mapper();

    private final Tables t;
    private final JdbcCalls calls;

    RecentRuns(Tables tables, JdbcCalls calls) {
        this.t = tables;
        this.calls = calls;
    }

    Page<RunResult> list(RunQuery q) {
        List<String> args = new ArrayList<>();
        String where = where(q, args);
        String count = "SELECT COUNT(*) FROM " + t.runs() + where;
        String page = "SELECT " + RunWrites.RUN_COLUMNS + " FROM " + t.runs() + where + " ORDER BY seq DESC LIMIT "
                + q.limit() + " OFFSET " + q.offset();
        return calls.read("Listing recent runs", c -> {
            long total;
            List<RunResult> items = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(count)) {
                bind(ps, args);
                try (ResultSet rs = ps.executeQuery()) {
                    total = rs.next() ? rs.getLong(1) : 0;
                }
            }
            try (PreparedStatement ps = c.prepareStatement(page)) {
                bind(ps, args);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        items.add(RunRow.read(rs).toRun());
                    }
                }
            }
            return new Page<>(items, q.page(), q.limit(), total);
        });
    }

    /** Four small columns per run, through the index on the start time (version 3). */
    List<RunSummary> summaries(RunQuery filter, Instant since, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be 1 or more, was " + limit);
        }
        List<String> args = new ArrayList<>();
        String sql = "SELECT run_id, status, created_at, metrics FROM " + t.runs() + where(filter, args)
                + " AND created_at >= " + since.toEpochMilli() + " ORDER BY created_at DESC, seq DESC LIMIT " + limit;
        return calls.read("Summing up recent runs", c -> {
            List<RunSummary> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                bind(ps, args);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new RunSummary(rs.getString(1), RunStatus.valueOf(rs.getString(2)),
                                Instant.ofEpochMilli(rs.getLong(3)), metrics(rs.getString(1), rs.getString(4))
                                        .duration()));
                    }
                }
            }
            return out;
        });
    }

    Map<String, String> owners(Collection<String> runIds) {
        List<String> ids = List.copyOf(runIds);
        Map<String, String> out = new LinkedHashMap<>();
        for (int from = 0; from < ids.size(); from += OWNER_CHUNK) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + OWNER_CHUNK));
            String sql = "SELECT run_id, owner_instance FROM " + t.runs() + " WHERE run_id IN ("
                    + String.join(", ", java.util.Collections.nCopies(chunk.size(), "?")) + ")";
            out.putAll(calls.read("Reading the owners of " + chunk.size() + " runs", c -> {
                Map<String, String> owners = new LinkedHashMap<>();
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    bind(ps, chunk);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            if (rs.getString(2) != null) {
                                owners.put(rs.getString(1), rs.getString(2));
                            }
                        }
                    }
                }
                return owners;
            }));
        }
        return out;
    }

    private static String where(RunQuery q, List<String> args) {
        StringBuilder where = new StringBuilder(" WHERE parent_run_id IS NULL");
        q.status().ifPresent(s -> { where.append(" AND status = ?"); args.add(s.name()); });
        q.componentId().ifPresent(c -> { where.append(" AND component_id = ?"); args.add(c); });
        q.userId().ifPresent(u -> { where.append(" AND user_id = ?"); args.add(u); });
        return where.toString();
    }

    private static RunMetrics metrics(String runId, String json) {
        try {
            return JSON.readValue(json, RunMetrics.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("The stored metrics of run " + runId + " cannot be read back: "
                    + e.getOriginalMessage(), e);
        }
    }

    private static void bind(PreparedStatement ps, List<String> args) throws SQLException {
        for (int i = 0; i < args.size(); i++) {
            ps.setString(i + 1, args.get(i));
        }
    }
}
