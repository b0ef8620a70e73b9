package dev.cadre.durable.internal;

import dev.cadre.db.Db;
import dev.dbos.transact.DBOS;
import dev.dbos.transact.workflow.ListWorkflowsInput;
import dev.dbos.transact.workflow.WorkflowState;
import dev.dbos.transact.workflow.WorkflowStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the workflows of dead processes to live ones. Self-hosted DBOS leaves telling a dead executor from a live
 * one to the application: here a process is dead when Cadre's heartbeat for it (its instance id is its DBOS
 * executor id) is older than the db's staleness limit. Every round, each process looks at the executors with
 * pending workflows; for a dead one, the first process to record the recovery in {@code cadre_recoveries} (one
 * {@code INSERT ... ON CONFLICT DO NOTHING} keyed by the executor and its last heartbeat: exactly one wins per
 * death) resumes all of that executor's pending workflows —
 * runs and their steps' workflows alike, or a run would wait forever for a step nobody executes — through DBOS's
 * queues, from which any live process takes them. Each resumed workflow replays its completed steps.
 */
public final class Recovery implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

    private final DBOS dbos;
    private final Db db;
    private final DataSource connections;
    private final String table;
    private final String me;
    private final Duration staleAfter;
    private final Clock clock;
    private ScheduledExecutorService scheduler;

    Recovery(DBOS dbos, Db db, DataSource connections, String schema, String me, Duration staleAfter, Clock clock) {
        this.dbos = dbos;
        this.db = db;
        this.connections = connections;
        this.table = "\"" + schema + "\".cadre_recoveries";
        this.me = me;
        this.staleAfter = staleAfter;
        this.clock = clock;
    }

    /** Creates the claims table if needed and starts a round every {@code interval} on a daemon thread. */
    void start(Duration interval) {
        try (Connection c = connections.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + table + " (death TEXT PRIMARY KEY, executor_id TEXT NOT NULL,"
                    + " recovered_by TEXT NOT NULL, recovered_at BIGINT NOT NULL)");
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create the durable runs' recovery table: " + e.getMessage(), e);
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("cadre-recovery")
                .factory());
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                round();
            } catch (RuntimeException e) {
                LOG.warn("Recovering the runs of dead processes failed this round ({}); trying again in {}",
                        e.getMessage(), interval);
            }
        }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One round: returns the executors whose workflows this process resumed. */
    List<String> round() {
        List<WorkflowStatus> pending = dbos.listWorkflows(new ListWorkflowsInput()
                .withStatus(List.of(WorkflowState.PENDING)).withLoadInput(false).withLoadOutput(false));
        Map<String, List<WorkflowStatus>> byExecutor = new LinkedHashMap<>();
        for (WorkflowStatus w : pending) {
            if (w.executorId() != null && !w.executorId().equals(me)) {
                byExecutor.computeIfAbsent(w.executorId(), k -> new java.util.ArrayList<>()).add(w);
            }
        }
        List<String> recovered = new java.util.ArrayList<>();
        Instant cutoff = clock.instant().minus(staleAfter);
        for (var e : byExecutor.entrySet()) {
            Optional<Instant> beat = db.lastHeartbeat(e.getKey());
            if (beat.isPresent() && beat.get().isAfter(cutoff)) {
                continue; // alive
            }
            // One claim per death: a process that was taken for dead, came back, and died again (or a restart
            // that reuses its instance id) is recovered again, by the first process to claim that last beat.
            String death = e.getKey() + "@" + beat.map(Instant::toEpochMilli).orElse(0L);
            if (!claim(death, e.getKey())) {
                continue; // another process recovers it
            }
            for (WorkflowStatus w : e.getValue()) {
                dbos.resumeWorkflow(w.workflowId(), w.queueName());
            }
            LOG.warn("Process {} stopped with {} durable workflow(s) unfinished; they resume on the live processes, "
                    + "each from its last completed step", e.getKey(), e.getValue().size());
            recovered.add(e.getKey());
        }
        return recovered;
    }

    private boolean claim(String death, String executorId) {
        String sql = "INSERT INTO " + table + " (death, executor_id, recovered_by, recovered_at) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT (death) DO NOTHING RETURNING death";
        try (Connection c = connections.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, death);
            ps.setString(2, executorId);
            ps.setString(3, me);
            ps.setLong(4, clock.millis());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not record the recovery of " + executorId + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }
}
