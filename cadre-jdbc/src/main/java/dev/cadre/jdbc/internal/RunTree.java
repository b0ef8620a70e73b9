package dev.cadre.jdbc.internal;

import dev.cadre.run.RunResult;
import dev.cadre.run.TeamRunOutput;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/** Run rows read in start order, and the trees of team runs and their members built from them. */
final class RunTree {

    private RunTree() {
    }

    /**
     * One statement for a run and all its descendants (nested teams included), in start order; its one
     * parameter is the run id. UNION, not UNION ALL, so that even a damaged parent chain cannot make the
     * recursion loop.
     */
    static String ofRun(Tables t) {
        return "WITH RECURSIVE tree (run_id) AS (SELECT run_id FROM " + t.runs() + " WHERE run_id = ?"
                + " UNION SELECT r.run_id FROM " + t.runs() + " r JOIN tree ON r.parent_run_id = tree.run_id)"
                + " SELECT " + RunWrites.RUN_COLUMNS + " FROM " + t.runs() + " WHERE run_id IN (SELECT run_id FROM tree)"
                + " ORDER BY seq";
    }

    static List<RunRow> rows(Connection c, String sql, String arg) throws SQLException {
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
    static List<RunResult> assemble(List<RunRow> rows, Predicate<RunRow> isRoot) {
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
}
