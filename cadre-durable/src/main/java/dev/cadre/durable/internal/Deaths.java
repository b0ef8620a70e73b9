package dev.cadre.durable.internal;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The recorded deaths of processes, {@code <schema>.cadre_recoveries}: one row per death — keyed by the executor
 * and the last heartbeat it wrote, so that exactly one process claims it — with the workflows the claimant
 * resumed, which the process, if it was alive after all, lets go of ({@link Fence}). Not API.
 */
final class Deaths {

    /** A recorded death of this process: its key, and the workflows that were resumed elsewhere. */
    record Death(String key, List<String> workflowIds) {
    }

    private final DataSource connections;
    private final String table;
    private final String heartbeats;

    /**
     * @param heartbeats the heartbeat table ({@code instance_id}, {@code heartbeat_at} in epoch milliseconds), as
     *     SQL names it from these connections
     */
    private final String schema;

    Deaths(DataSource connections, String schema, String heartbeats) {
        this.schema = schema;
        this.connections = connections;
        this.table = "\"" + schema + "\".cadre_recoveries";
        this.heartbeats = heartbeats;
    }

    /** Creates the table if needed; adds the list of resumed workflows to a table of an earlier version. */
    void create() throws SQLException {
        Ddl.create(connections, schema, "CREATE TABLE IF NOT EXISTS " + table + " (death TEXT PRIMARY KEY,"
                + " executor_id TEXT NOT NULL, recovered_by TEXT NOT NULL, recovered_at BIGINT NOT NULL,"
                + " workflows TEXT[])", "ALTER TABLE " + table + " ADD COLUMN IF NOT EXISTS workflows TEXT[]");
    }

    static String key(String executorId, Optional<Instant> lastBeat) {
        return executorId + "@" + lastBeat.map(Instant::toEpochMilli).orElse(0L);
    }

    /**
     * Records the death of {@code executorId}, judged on {@code lastBeat}, with the workflows about to be resumed;
     * returns whether this call recorded it (not when another process had, or the process beat meanwhile). The
     * heartbeat's row stays locked until the death is recorded: a beat of that process lands either before — the
     * death is then not recorded — or after, and that process then finds its death recorded when it next looks.
     */
    boolean claim(String executorId, Optional<Instant> lastBeat, List<String> workflowIds, String claimant,
            long nowMillis) throws SQLException {
        return claim(executorId, lastBeat, "", workflowIds, claimant, nowMillis);
    }

    /**
     * {@link #claim}, the death's key followed by {@code suffix}: the death of a process that recorded another's
     * ({@code suffix} names that one) and died before it had resumed the other's workflows.
     */
    boolean claim(String executorId, Optional<Instant> lastBeat, String suffix, List<String> workflowIds,
            String claimant, long nowMillis) throws SQLException {
        String lock = "SELECT heartbeat_at FROM " + heartbeats + " WHERE instance_id = ? FOR UPDATE";
        String insert = "INSERT INTO " + table + " (death, executor_id, recovered_by, recovered_at, workflows)"
                + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (death) DO NOTHING RETURNING death";
        try (Connection c = connections.getConnection()) {
            c.setAutoCommit(false);
            try {
                Optional<Long> beat;
                try (PreparedStatement ps = c.prepareStatement(lock)) {
                    ps.setString(1, executorId);
                    try (ResultSet rs = ps.executeQuery()) {
                        beat = rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
                    }
                }
                if (!Objects.equals(beat, lastBeat.map(Instant::toEpochMilli))) {
                    c.rollback();
                    return false; // it beat after all
                }
                boolean won;
                try (PreparedStatement ps = c.prepareStatement(insert)) {
                    ps.setString(1, key(executorId, lastBeat) + suffix);
                    ps.setString(2, executorId);
                    ps.setString(3, claimant);
                    ps.setLong(4, nowMillis);
                    Array ids = c.createArrayOf("text", workflowIds.toArray(String[]::new));
                    ps.setArray(5, ids);
                    try (ResultSet rs = ps.executeQuery()) {
                        won = rs.next();
                    }
                }
                c.commit();
                return won;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    /** Who recorded the death {@code key}, if it is recorded. */
    Optional<String> recordedBy(String key) throws SQLException {
        try (Connection c = connections.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT recovered_by FROM " + table + " WHERE death = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    /** The recorded deaths of {@code executorId}. */
    List<Death> of(String executorId) throws SQLException {
        String sql = "SELECT death, workflows FROM " + table + " WHERE executor_id = ?";
        List<Death> out = new ArrayList<>();
        try (Connection c = connections.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, executorId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Array ids = rs.getArray(2);
                    out.add(new Death(rs.getString(1), ids == null ? List.of()
                            : Arrays.asList((String[]) ids.getArray())));
                }
            }
        }
        return out;
    }
}
