package dev.cadre.jdbc.internal;

import dev.cadre.db.Db;
import dev.cadre.db.StoredText;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The cancel requests of a {@link JdbcStore} ({@link Db#requestCancel}, {@link Db#cancelRequests}): a request is
 * the {@code cancel_reason} (and {@code cancel_requested_at}) of the run's row, written by whoever asks and read by
 * the process that owns the run. No other write sets or clears them, so a request stays visible to its owner
 * until the run ends, whatever the owner writes meanwhile. Thread-safe (stateless).
 */
final class CancelRequests {

    private final Tables t;
    private final Clock clock;
    private final JdbcCalls calls;
    private final String notTerminal;

    CancelRequests(Tables tables, Clock clock, JdbcCalls calls) {
        this.t = tables;
        this.clock = clock;
        this.calls = calls;
        this.notTerminal = notTerminal();
    }

    /** Written exactly as the partial index of version 4 writes it, so that the owner's query can use that index. */
    private static String notTerminal() {
        return "status NOT IN (" + RunWrites.quoted(RunStatus.terminal()) + ")";
    }

    /** The owner's question at every heartbeat; its one parameter is the owner's instance id. */
    static String ownerQuery(Tables t) {
        return "SELECT run_id, cancel_reason FROM " + t.runs() + " WHERE owner_instance = ?"
                + " AND cancel_reason IS NOT NULL AND " + notTerminal() + " ORDER BY seq";
    }

    /**
     * One transaction: records the request when the run is not terminal and has none yet (the guard is in the
     * {@code UPDATE}, so of two racing requests the first one's reason is kept, and a run that ends meanwhile gets
     * none), then reads the run as stored, with its members.
     */
    Optional<RunResult> request(String runId, String reason) {
        Objects.requireNonNull(reason, "reason");
        String record = "UPDATE " + t.runs() + " SET cancel_reason = ?, cancel_requested_at = ?"
                + " WHERE run_id = ? AND cancel_reason IS NULL AND " + notTerminal;
        String tree = RunTree.ofRun(t);
        List<RunRow> rows = calls.write("Requesting the cancel of run " + runId, c -> {
            try (PreparedStatement ps = c.prepareStatement(record)) {
                // PostgreSQL cannot store NUL in text; like a run's own text, it becomes U+FFFD.
                ps.setString(1, StoredText.clean(reason));
                ps.setLong(2, clock.millis());
                ps.setString(3, runId);
                ps.executeUpdate();
            }
            return RunTree.rows(c, tree, runId);
        }, true); // a cancel goes before the runs' progress
        // Built outside the transaction: a row that cannot be read back must not undo the request.
        return RunTree.assemble(rows, r -> r.runId().equals(runId)).stream().findFirst();
    }

    /** The owner's unfinished runs with a request, oldest first: one statement on the partial index. */
    Map<String, String> of(String ownerInstanceId) {
        String sql = ownerQuery(t);
        return calls.read("Reading the cancel requests for " + ownerInstanceId, c -> {
            Map<String, String> out = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, ownerInstanceId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString("run_id"), rs.getString("cancel_reason"));
                    }
                }
            }
            return out;
        });
    }
}
