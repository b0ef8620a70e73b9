package dev.cadre.jdbc;

import dev.cadre.jdbc.internal.JdbcStore;
import dev.cadre.jdbc.internal.Liveness;
import dev.cadre.db.FinalStateJournal;
import dev.cadre.db.ForwardingDb;
import dev.cadre.db.Db;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Db} in a SQL database: {@link SqliteDb} or {@link PostgresDb}.
 *
 * <p><b>Rows.</b> One row per session and one row per run (team runs and member runs alike), so
 * concurrent runs of one session never overwrite each other. Terminal statuses are set with a
 * compare-and-set in the database: of two racing terminal writes exactly one is accepted, the first
 * one the database applied, and it is never overwritten.
 *
 * <p><b>Orphans.</b> When it opens, a store records a heartbeat for this process
 * ({@link dev.cadre.db.ProcessInstance#id()}) and ends as {@code ERROR}, with the reason
 * {@value #ORPHAN_REASON}, every unfinished run whose owner has not beaten within the staleness
 * limit (30 s unless configured; 10 s for durable execution, without the sweep); then it keeps doing
 * both on a daemon thread of its own until {@link #close()}. Runs must therefore be inserted with
 * {@code ProcessInstance.id()} as owner.
 *
 * <p><b>Final states kept on disk.</b> A run's final state that the database cannot take (it is down,
 * or its disk is full) is kept by the engine in memory and in this store's {@link #journal() journal},
 * a directory of small JSON files, until the database takes it. When the store opens, it first writes
 * what a previous process left in the journal — so a process that stopped during an outage loses no
 * ended run — and only then ends the runs of dead processes.
 *
 * <p><b>Threads and failures.</b> Thread-safe. Nothing is cached: every call reads or writes the
 * database, so several processes can share it. Every failure is a
 * {@link dev.cadre.db.DbException} that says what failed and what to do; none is swallowed.
 * While the database is unreachable, calls fail at once (kind {@code UNAVAILABLE}) instead of each
 * waiting for a connection timeout; a probe notices within half a second when it is back.
 */
public abstract sealed class JdbcDb extends ForwardingDb permits SqliteDb, PostgresDb {

    /** The message of runs ended because the process running them stopped. */
    public static final String ORPHAN_REASON = Liveness.ORPHAN_REASON;
    private static final Logger LOG = LoggerFactory.getLogger("dev.cadre.jdbc");

    private final JdbcStore store;
    private final Liveness liveness;
    private final Optional<FinalStateJournal> journal;
    private final List<AutoCloseable> resources;
    private final Object closeLock = new Object();
    private boolean closed;

    JdbcDb(JdbcStore store, Liveness liveness, Optional<FinalStateJournal> journal, List<AutoCloseable> resources) {
        super(store); // every Db call goes to the SQL behind it; this class adds the lifecycle
        this.store = store;
        this.liveness = liveness;
        this.journal = journal;
        this.resources = List.copyOf(resources);
    }

    /**
     * Opens the store's liveness after writing what a previous process left in the journal: a final
     * state kept on disk must land before the sweep could take its run for an orphan.
     */
    static Liveness replayThenStart(JdbcStore store, Optional<FinalStateJournal> journal, LivenessSettings live) {
        journal.ifPresent(j -> {
            FinalStateJournal.Replay replay = j.replayInto(store);
            if (!replay.isEmpty()) {
                LOG.warn("Cadre store {}: wrote {} final state(s) a previous process had kept in {} ({} had ended "
                        + "otherwise already, {} no longer existed): {}", store.id(), replay.written().size(),
                        j.directory(), replay.alreadyEnded().size(), replay.gone().size(), replay.written());
            }
        });
        return Liveness.start(store, live.instanceId(), live.heartbeatInterval(), live.staleAfter(), live.sweep());
    }

    /** The name of the table sessions are kept in (the AgentOS API shows it as {@code session_table}). */
    public String sessionsTable() {
        return store.tables().sessions();
    }

    /** The name of the table runs are kept in. */
    public String runsTable() {
        return store.tables().runs();
    }

    /** The name of the table user memories are kept in ({@link dev.cadre.db.Db#memories()}). */
    public String memoriesTable() {
        return store.tables().memories();
    }

    /** The process this store beats the heartbeat for ({@link JdbcDbBuilder#instanceId}). */
    public String instanceId() {
        return liveness.instanceId();
    }

    /** Whether this store ends the unfinished runs of dead processes ({@link JdbcDbBuilder#sweepOrphans}). */
    public boolean sweepsOrphans() {
        return liveness.sweeps();
    }

    /** How long a process may go without a heartbeat before its unfinished runs are ended. */
    public Duration staleAfter() {
        return liveness.staleAfter();
    }

    /**
     * How this process's own heartbeat has gone so far: whether it has been steady, and since when. A process
     * whose heartbeat was not steady for {@link #staleAfter} cannot tell a dead process from one that, like
     * itself, could not beat for a while (see {@link OwnHeartbeat}).
     */
    public OwnHeartbeat ownHeartbeat() {
        return liveness.own();
    }

    /** Forwarded to the store, which writes the ends in one transaction (on SQLite, in one group commit). */
    @Override
    public List<Boolean> finishRuns(List<dev.cadre.run.RunResult> runs, String ownerInstanceId) {
        return delegate().finishRuns(runs, ownerInstanceId);
    }

    /** Where final states the database could not take are kept until it does; see the class comment. */
    @Override
    public Optional<FinalStateJournal> journal() {
        return journal;
    }

    /**
     * Stops the heartbeat and releases all connections. Idempotent. Runs of this process that are
     * still unfinished will be ended as orphans by the next process that opens the database after
     * the staleness limit, so finish or cancel them first.
     */
    @Override
    public void close() {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        liveness.close();
        store.availability().close();
        store.close();
        closeAll(resources);
    }

    static void closeAll(List<AutoCloseable> resources) {
        RuntimeException failure = null;
        for (AutoCloseable r : resources.reversed()) {
            try {
                r.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("Closing a Cadre store failed: " + e.getMessage(), e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Settings shared by both builders, checked in one place. */
    record LivenessSettings(String instanceId, Duration heartbeatInterval, Duration staleAfter, boolean sweep) {
        static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
        static final Duration DEFAULT_STALE_AFTER = Duration.ofSeconds(30);
        /**
         * Durable execution resumes a dead process's runs within staleAfter plus the executor's recovery interval
         * (5 s by default): 15 s. A beat every 2 s leaves room for a beat or two to fail or come late.
         */
        static final Duration DURABLE_INTERVAL = Duration.ofSeconds(2);
        static final Duration DURABLE_STALE_AFTER = Duration.ofSeconds(10);

        LivenessSettings {
            if (heartbeatInterval.isNegative()) {
                throw new IllegalArgumentException("heartbeatInterval must not be negative: " + heartbeatInterval);
            }
            if (staleAfter.isNegative() || staleAfter.isZero()) {
                throw new IllegalArgumentException("staleAfter must be positive: " + staleAfter);
            }
            // A live process must beat at least twice per staleness window, or it could be taken
            // for dead between two beats.
            if (!heartbeatInterval.isZero() && heartbeatInterval.multipliedBy(2).compareTo(staleAfter) > 0) {
                throw new IllegalArgumentException("heartbeatInterval (" + heartbeatInterval
                        + ") must be at most half of staleAfter (" + staleAfter + ")");
            }
        }
    }
}
