package dev.cadre.durable.internal;

import dev.cadre.jdbc.PostgresDb;
import dev.dbos.transact.DBOS;
import dev.dbos.transact.workflow.ListWorkflowsInput;
import dev.dbos.transact.workflow.WorkflowState;
import dev.dbos.transact.workflow.WorkflowStatus;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the workflows of dead processes to live ones, and keeps a live process that was taken for dead from
 * executing them too. Self-hosted DBOS leaves telling a dead executor from a live one to the application: here a
 * process is dead when Cadre's heartbeat for it (its instance id is its DBOS executor id) is older than the db's
 * staleness limit.
 *
 * <p><b>Judging others.</b> Every round, each process looks at the executors with pending workflows; for a dead
 * one, the first process to record the death in {@code cadre_recoveries} ({@link Deaths}: keyed by the executor and
 * its last heartbeat, exactly one wins per death) resumes all of that executor's pending workflows — runs and their
 * steps' workflows alike, or a run would wait forever for a step nobody executes — through DBOS's queues, from which
 * any live process takes them. Each resumed workflow replays its completed steps. A process judges others only
 * while its own heartbeat has been steady for {@code staleAfter} ({@link dev.cadre.jdbc.OwnHeartbeat}): after it
 * could not reach the database itself — an outage, a pause — every other process may have been unable to beat as
 * well, and its heartbeat looks old for no other reason; a process that has not beaten since this one's heartbeat
 * became steady is judged only once it has been steady for twice {@code staleAfter}, time enough for every live one
 * to be back. So an outage of the database takes nobody for dead, however long it lasts.
 *
 * <p><b>Being judged.</b> A process whose own connection failed while the others' worked, or that stood still
 * longer than {@code staleAfter}, is rightly taken for dead, and may be alive. Its {@link Fence} checks the recorded
 * deaths often (without DBOS, so that a check is not held up by DBOS's retries after an outage): a death of its own
 * it has not seen makes it let go of the executions here of the workflows that death resumed elsewhere, and until
 * a check finds whether there is one, its steps neither start nor are recorded.
 */
public final class Recovery implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

    private final DBOS dbos;
    private final PostgresDb db;
    private final Deaths deaths;
    private final String me;
    private final Duration staleAfter;
    private final Clock clock;
    private final Fence fence;
    /** Deaths of this process already handled (or older than this process). */
    private final Set<String> seen = new HashSet<>();
    /** Workflows let go of here, watched until another process has them (see {@link #rescue}). */
    private final Map<String, Integer> letGo = new LinkedHashMap<>();
    /** How many times each workflow whose body failed here was queued again ({@link #handBack}). */
    private final Map<String, Integer> handedBack = new LinkedHashMap<>();
    /** A run's workflow that keeps failing here is queued again this many times, then left pending. */
    private static final int MAX_HAND_BACKS = 3;
    private ScheduledExecutorService scheduler;
    /** Held by a round: the scheduled ones and {@code recoverNow}'s must not resume the same workflows at once. */
    private final Object rounds = new Object();

    Recovery(DBOS dbos, PostgresDb db, DataSource connections, String schema, String me, Duration staleAfter,
            Clock clock, Fence fence) {
        this.dbos = dbos;
        this.db = db;
        this.deaths = new Deaths(connections, schema, db.instancesTable());
        this.me = me;
        this.staleAfter = staleAfter;
        this.clock = clock;
        this.fence = fence;
    }

    /**
     * Creates the deaths table if needed, takes the deaths of this process recorded so far as handled (they are an
     * earlier process's with the same id), checks once, and starts a round every {@code interval} and a check of
     * the recorded deaths every {@code interval} or an eighth of {@code staleAfter}, whichever is shorter, each on a
     * daemon thread of its own.
     */
    void start(Duration interval) {
        try {
            deaths.create();
            deaths.of(me).forEach(d -> seen.add(d.key()));
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create the durable runs' recovery table: " + e.getMessage(), e);
        }
        Duration checks = interval.compareTo(staleAfter.dividedBy(8)) < 0 ? interval : staleAfter.dividedBy(8);
        scheduler = Executors.newScheduledThreadPool(2, Thread.ofPlatform().daemon().name("cadre-recovery-", 0)
                .factory());
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                checkFence();
            } catch (SQLException | RuntimeException e) {
                LOG.warn("Checking whether this process was taken for dead failed ({}); its durable runs' steps wait"
                        + " for a check that does not, trying again in {}", e.getMessage(), checks);
            }
        }, 0, checks.toMillis(), TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                round();
            } catch (RuntimeException e) {
                LOG.warn("Recovering the runs of dead processes failed this round ({}); trying again in {}",
                        e.getMessage(), interval);
            }
        }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Looks for deaths of this process recorded by others: lets go of the workflows they resumed that execute here,
     * and watches them until another process has them. Then, finding none unhandled, renews the lease.
     */
    synchronized void checkFence() throws SQLException {
        long started = System.nanoTime();
        for (Deaths.Death d : deaths.of(me)) {
            if (!seen.add(d.key())) {
                continue;
            }
            List<String> let = fence.letGo(d.workflowIds());
            d.workflowIds().forEach(id -> letGo.putIfAbsent(id, 0));
            LOG.warn("This process was taken for dead ({}): {} of the {} workflow(s) another process resumed were "
                    + "executing here; let go of them, the other process's execution goes on", d.key(), let.size(),
                    d.workflowIds().size());
        }
        fence.checked(started);
        rescue();
    }

    /**
     * Queues again — once its execution here has ended, at the next checks ({@link #rescue}) — a run's workflow
     * whose body failed here: left pending under this process's name, nobody else would resume it while this
     * process lives. One that keeps failing is queued again {@value #MAX_HAND_BACKS} times, then left pending: it
     * is resumed when this process starts again, or by another once this one is gone.
     */
    synchronized void handBack(String workflowId) {
        int times = handedBack.merge(workflowId, 1, Integer::sum);
        if (times > MAX_HAND_BACKS) {
            LOG.error("Workflow {} failed here {} times; it is left pending, to be resumed when this process starts "
                    + "again or by another process once this one is gone", workflowId, times);
            return;
        }
        letGo.putIfAbsent(workflowId, 0);
    }

    /**
     * A workflow let go of here may be left to nobody: when this process took it from the queue (where the other
     * process had put it) while its earlier execution here was still going, DBOS refused the second execution and
     * left it pending under this process's name; so is a run's workflow whose body failed here ({@link #handBack}).
     * Seen so at two checks, once its execution here has ended and no other has started here, it is queued again
     * for any process.
     */
    private void rescue() {
        var it = letGo.entrySet().iterator();
        while (it.hasNext()) {
            var e = it.next();
            String id = e.getKey();
            if (fence.lettingGo(id)) {
                continue; // its execution here is still ending
            }
            if (fence.executing().contains(id)) {
                it.remove(); // executed here again, in its own right
                continue;
            }
            Optional<WorkflowStatus> s = dbos.getWorkflowStatus(id);
            if (s.isEmpty() || s.get().status() != WorkflowState.PENDING || !me.equals(s.get().executorId())) {
                it.remove(); // ended, queued, or another process's
                continue;
            }
            if (e.getValue() == 0) {
                e.setValue(1);
                continue;
            }
            dbos.resumeWorkflow(id, s.get().queueName());
            LOG.warn("Workflow {}, let go of here, was left pending here: queued again", id);
            it.remove();
        }
    }

    /** One round: returns the executors whose workflows this process resumed. One round at a time. */
    List<String> round() {
        synchronized (rounds) {
            return roundNow();
        }
    }

    private List<String> roundNow() {
        if (standing().isEmpty()) {
            return List.of(); // its own heartbeat was not steady long enough to judge others' (see Standing)
        }
        List<WorkflowStatus> pending = dbos.listWorkflows(new ListWorkflowsInput()
                .withStatus(List.of(WorkflowState.PENDING)).withLoadInput(false).withLoadOutput(false));
        Map<String, List<WorkflowStatus>> byExecutor = new LinkedHashMap<>();
        for (WorkflowStatus w : pending) {
            if (w.executorId() != null && !w.executorId().equals(me)) {
                byExecutor.computeIfAbsent(w.executorId(), k -> new ArrayList<>()).add(w);
            }
        }
        List<String> recovered = new ArrayList<>();
        for (var e : byExecutor.entrySet()) {
            Optional<Instant> beat = db.lastHeartbeat(e.getKey());
            // Read again now, after the calls above: they may have waited through an outage that ended this
            // process's steady heartbeat (and kept every other from beating).
            Optional<Standing> now = standing();
            if (now.isEmpty()) {
                return recovered;
            }
            if (!now.get().takesForDead(beat)) {
                continue;
            }
            Instant cutoff = now.get().cutoff();
            // One claim per death: a process that was taken for dead, came back, and died again (or a restart
            // that reuses its instance id) is recovered again, by the first process to claim that last beat.
            List<String> ids = e.getValue().stream().map(WorkflowStatus::workflowId).toList();
            try {
                if (!deaths.claim(e.getKey(), beat, ids, me, clock.millis())
                        && !takeOver(e.getKey(), beat, ids, cutoff)) {
                    continue; // another process recovers it, or it beat meanwhile
                }
            } catch (SQLException ex) {
                throw new IllegalStateException("Could not record the death of " + e.getKey() + ": " + ex.getMessage(),
                        ex);
            }
            for (WorkflowStatus w : e.getValue()) {
                try {
                    dbos.resumeWorkflow(w.workflowId(), w.queueName());
                } catch (RuntimeException failed) {
                    // Still pending under the dead one's name: a later round resumes it (see takeOver).
                    LOG.warn("Resuming workflow {} of process {} failed ({}); trying again next round", w.workflowId(),
                            e.getKey(), failed.getMessage());
                }
            }
            LOG.warn("Process {} stopped with {} durable workflow(s) unfinished; they resume on the live processes, "
                    + "each from its last completed step", e.getKey(), e.getValue().size());
            recovered.add(e.getKey());
        }
        return recovered;
    }

    private Optional<Standing> standing() {
        return Standing.of(db.ownHeartbeat(), System.nanoTime(), clock.instant(), staleAfter);
    }

    /**
     * A death recorded by a process that is dead too, while workflows of the first are still pending under its name:
     * the recorder died before it had resumed them all (resuming moves a workflow out of {@code PENDING}). The
     * recorder's death is claimed for them — once, under a lock on its heartbeat, as any death — and they are
     * resumed here. A recorder that is alive is resuming them still, or lets go of them when it finds its death.
     * When the recorder is this process, they are resumed here again: its resumes stopped part-way (one failed),
     * or it is a new process with the recorder's instance id, which knows nothing of them.
     */
    private boolean takeOver(String executorId, Optional<Instant> beat, List<String> ids, Instant cutoff)
            throws SQLException {
        String death = Deaths.key(executorId, beat);
        Optional<String> recorder = deaths.recordedBy(death);
        if (recorder.isEmpty()) {
            return false; // it beat meanwhile
        }
        if (recorder.get().equals(me)) {
            // Recorded by this process in an earlier round whose resumes stopped part-way, or by an earlier process
            // with this instance id: what is still pending under the dead one's name was not resumed, and no other
            // process would resume it while this one lives.
            LOG.warn("Process {}'s death was recorded by this process ({}) but {} of its workflow(s) were not resumed;"
                    + " resuming them", executorId, me, ids.size());
            return true;
        }
        Optional<Instant> recorderBeat = db.lastHeartbeat(recorder.get());
        if (recorderBeat.isPresent() && recorderBeat.get().isAfter(cutoff)) {
            return false; // alive: it is resuming them
        }
        boolean won = deaths.claim(recorder.get(), recorderBeat, " after recording " + death, ids, me, clock.millis());
        if (won) {
            LOG.warn("Process {} recorded the death of {} and stopped before resuming its workflows; resumed here",
                    recorder.get(), executorId);
        }
        return won;
    }

    @Override
    public void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }
}
