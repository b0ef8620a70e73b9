package dev.cadre;

import dev.cadre.db.Db;
import dev.cadre.db.ProcessInstance;
import dev.cadre.internal.CancelPoller;
import dev.cadre.internal.Cancels;
import dev.cadre.internal.EngineContext;
import dev.cadre.internal.EngineThreads;
import dev.cadre.internal.FinalWrite;
import dev.cadre.internal.FinalWrites;
import dev.cadre.internal.InProcessRunExecutor;
import dev.cadre.internal.Listeners;
import dev.cadre.internal.RunEngine;
import dev.cadre.internal.RunRegistry;
import dev.cadre.run.CancelResult;
import dev.cadre.run.CancellationManager;
import dev.cadre.run.Run;
import dev.cadre.run.RunExecutor;
import dev.cadre.run.RunListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of a set of runs: every run of its agents and teams is started, found and cancelled
 * through it. It keeps which runs are executing (so any thread can find or cancel them by id), the executor
 * for background runs, the cancels waiting for runs that have not started, the listeners that observe its
 * runs, and the threads its runs use. Managers share nothing: a cancel through one never reaches another's
 * runs except as a cancel request through their db, as for another process.
 *
 * <p>Agents and teams use {@link #global()} (the explicit default, the only static one) unless given another
 * with {@code runManager(...)}; a team's members always run under their team's manager. Thread-safe.
 */
public final class RunManager implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RunManager.class);
    private static final Duration CANCEL_WAIT = Duration.ofSeconds(10);

    private static final class Global {
        static final RunManager INSTANCE = builder().build();
    }

    final RunRegistry registry;
    final RunExecutor executor;
    final CancellationManager cancellations;
    private final CancellationManager.Subscription subscription;
    private final Cancels cancels;
    private final CancelPoller cancelPoller;
    private final EngineThreads threads;
    private final Listeners listeners;
    private final Duration memberDrainTimeout;
    private final int streamBuffer;
    private final FinalWrites.Backoff finalWriteBackoff;
    /** The final writes of each store this manager's runs use (by identity: one per store object). */
    private final Map<Db, FinalWrites> finalWrites = new IdentityHashMap<>();

    private RunManager(Builder b) {
        this.registry = new RunRegistry(b.cancelIntentTtl, b.maxCancelIntents);
        this.threads = new EngineThreads(b.taskWrapper);
        this.executor = b.executor != null ? b.executor
                : new InProcessRunExecutor(b.maxBackgroundRuns, b.maxQueuedBackgroundRuns);
        this.cancellations = b.cancellations != null ? b.cancellations : CancellationManager.local();
        this.memberDrainTimeout = b.memberDrainTimeout;
        this.streamBuffer = b.streamBuffer;
        this.finalWriteBackoff = new FinalWrites.Backoff(b.finalWriteFirstRetry, b.finalWriteMaxRetry);
        this.listeners = Listeners.of(b.listeners);
        this.cancels = new Cancels(registry, cancellations);
        this.cancelPoller = new CancelPoller(registry, b.cancelRequestPoll);
        // A delivered cancel only decides: the delivering thread (a listener's) never waits for the run's end.
        this.subscription = cancellations.subscribe(runId -> {
            registry.cancelStandIns(runId, RunRegistry.cancelReason(runId));
            registry.get(runId).ifPresent(run -> run.control().cancel(RunRegistry.cancelReason(runId)));
        });
    }

    /** The manager of agents and teams that were not given one. */
    public static RunManager global() {
        return Global.INSTANCE;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The ids of the runs executing (or waiting to start) under this manager now. */
    public List<String> activeRunIds() {
        return registry.activeRuns().stream().map(RunRegistry.ActiveRun::runId).toList();
    }

    /**
     * How many runs execute under this manager now: started and not yet ended, member runs included; a
     * background run counts from when it leaves the queue (see {@link #queuedBackgroundRuns()}). A moment's
     * reading, for gauges: it may change as soon as it is read.
     */
    public int runningRuns() {
        return registry.executing();
    }

    /**
     * How many background runs wait to start now: accepted by {@code startInBackground} and still
     * {@code PENDING}, typically for one of the {@link Builder#maxBackgroundRuns} slots (or for a slot of the
     * manager's own {@link Builder#executor executor}). One cancelled while it waits leaves the count at once. A
     * moment's reading, for gauges.
     */
    public int queuedBackgroundRuns() {
        return registry.queuedBackground();
    }

    /**
     * The handle of a run executing (or waiting to start) under this manager — member runs included; empty
     * once it has ended here, or when it never ran here. Cast it to the component's output type, or use
     * {@link Run#snapshot()} as a {@link dev.cadre.run.RunResult}.
     */
    public Optional<Run<?>> find(String runId) {
        return registry.get(runId).map(RunRegistry.ActiveRun::handle);
    }

    /**
     * Cancels a run of this manager by id and says what happened (see {@link Component#cancelRun}). A run
     * this manager does not know is remembered for a while ({@code NOT_FOUND}), so that a run starting with
     * that id soon is cancelled at once. Never blocks on the run's abort: it may wait a few seconds for the
     * run's end to be stored, so that the answer says what the db holds.
     */
    public CancelResult cancel(String runId) {
        return cancels.cancel(runId, Optional.empty());
    }

    /**
     * {@link #cancel(String)}, and for a run that does not run here but is stored in {@code db} (another
     * process, or another manager, runs it): records a cancel request there and answers {@code REQUESTED}.
     * The owner finds the request at its next cancel-request poll and ends the run itself — partial answer
     * kept, members stopped, terminal event stored; nothing of the owner's row is overwritten by the canceller.
     *
     * @throws dev.cadre.db.DbException when the run does not run here and {@code db} cannot be read or written
     */
    public CancelResult cancel(String runId, Db db) {
        return cancels.cancel(runId, Optional.of(db));
    }

    CancelResult cancel(String runId, Optional<Db> db) {
        return cancels.cancel(runId, db);
    }

    /** This manager's engine threads alive now (runs, model calls, tool calls, member runs), for leak checks. */
    public int liveThreads() {
        return threads.live();
    }

    /** Waits until none of this manager's engine threads is alive; returns whether that happened in time. */
    public boolean awaitNoLiveThreads(Duration timeout) throws InterruptedException {
        return threads.awaitNone(timeout);
    }

    /**
     * Waits until the run {@code runId} is no longer executing here — ended, or never started here.
     * Useful to wait for a background run without polling.
     *
     * @return whether it ended within {@code timeout}
     */
    public boolean awaitRun(String runId, Duration timeout) throws InterruptedException {
        Optional<RunRegistry.ActiveRun> run = registry.get(runId);
        if (run.isEmpty()) {
            return true;
        }
        try {
            run.get().done().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return true;
        }
    }

    /** How many cancels for not-yet-started run ids are remembered now (they expire). */
    public int pendingCancelCount() {
        return registry.pendingCancelCount();
    }

    /**
     * The ids of the runs that have ended here but whose final state the store has not taken yet (it is
     * unreachable, say). Their state is kept and retried until the store takes it.
     */
    public List<String> pendingFinalStates() {
        synchronized (finalWrites) {
            return finalWrites.values().stream().flatMap(w -> w.waiting().stream()).map(FinalWrite::runId)
                    .toList();
        }
    }

    /**
     * Shuts down gracefully: refuses new runs, waits up to {@code grace} for running ones to end (and for
     * final states waiting for an unreachable store to be written), then cancels the rest with a reason
     * and waits (a few seconds) for their cancelled state to be written. No run is left {@code RUNNING}
     * by this process: a final state the store still cannot take at the end is logged, run by run, and
     * left in the store's journal (if it has one) to be written when the store is opened next.
     *
     * @return whether every run ended on its own within {@code grace}
     */
    public boolean shutdown(Duration grace) {
        registry.close();
        executor.stopAccepting();
        // An interrupt must not cut the grace period short or leave runs RUNNING: wait regardless,
        // and restore the flag at the end.
        boolean interrupted = false;
        long deadline = System.nanoTime() + grace.toNanos();
        boolean clean = true;
        for (RunRegistry.ActiveRun run : registry.activeRuns()) {
            RunRegistry.EndWait w = run.awaitEnd(deadline);
            interrupted |= w.interrupted();
            if (!w.ended()) {
                clean = false;
                run.control().cancel("Cadre is shutting down: the run was stopped before it finished");
            }
        }
        if (!clean) {
            long cancelDeadline = System.nanoTime() + CANCEL_WAIT.toNanos();
            for (RunRegistry.ActiveRun run : registry.activeRuns()) {
                if (run.finalStatePending().getAsBoolean()) {
                    continue; // ended; only its write waits, and the grace period for that is over
                }
                RunRegistry.EndWait w = run.awaitEnd(cancelDeadline);
                interrupted |= w.interrupted();
                if (!w.ended() && !run.finalStatePending().getAsBoolean()) {
                    LOG.error("Run {} did not end within {} of being cancelled for shutdown", run.runId(), CANCEL_WAIT);
                }
            }
        }
        List<FinalWrites> writes;
        synchronized (finalWrites) {
            writes = List.copyOf(finalWrites.values());
        }
        // What the store still cannot take is logged and left in its journal; the runs waiting on it end.
        writes.forEach(w -> w.abandon("the run manager shut down"));
        long endDeadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        for (RunRegistry.ActiveRun run : registry.activeRuns()) {
            interrupted |= run.awaitEnd(endDeadline).interrupted();
        }
        cancelPoller.close();
        subscription.close(); // the cancels of a manager that has shut down are no one's here
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return clean;
    }

    /** Same as {@code shutdown(Duration.ofSeconds(30))}. */
    @Override
    public void close() {
        shutdown(Duration.ofSeconds(30));
    }

    RunEngine engine(Optional<Db> store) {
        Optional<FinalWrites> writes = store.map(s -> {
            synchronized (finalWrites) {
                return finalWrites.computeIfAbsent(s, k -> new FinalWrites(k, ProcessInstance.id(), finalWriteBackoff,
                        threads));
            }
        });
        if (store.isPresent()) {
            cancelPoller.start();
        }
        return new RunEngine(new EngineContext(store, registry, executor, cancellations, memberDrainTimeout,
                streamBuffer, writes, threads, listeners));
    }

    /** Configures a {@link RunManager}. */
    public static final class Builder {
        private int maxBackgroundRuns = 1_000;
        private int maxQueuedBackgroundRuns = 100_000;
        private RunExecutor executor;
        private UnaryOperator<Runnable> taskWrapper = UnaryOperator.identity();
        private CancellationManager cancellations;
        private Duration cancelIntentTtl = Duration.ofMinutes(10);
        private int maxCancelIntents = 10_000;
        private Duration memberDrainTimeout = Duration.ofSeconds(5);
        private int streamBuffer = 1_024;
        private Duration finalWriteFirstRetry = FinalWrites.Backoff.DEFAULT.firstDelay();
        private Duration finalWriteMaxRetry = FinalWrites.Backoff.DEFAULT.maxDelay();
        private Duration cancelRequestPoll = Duration.ofSeconds(1);
        private final List<RunListener> listeners = new ArrayList<>();

        private Builder() {
        }

        /** Observes every run of the manager (member runs included); see {@link RunListener}. Repeatable. */
        public Builder listener(RunListener listener) {
            listeners.add(Objects.requireNonNull(listener));
            return this;
        }

        /**
         * How often the manager asks the db of its running runs for cancel requests made by other processes
         * (default 1 s): the longest a cross-process cancel waits to reach its run here.
         */
        public Builder cancelRequestPoll(Duration interval) {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("cancelRequestPoll must be positive, was " + interval);
            }
            this.cancelRequestPoll = interval;
            return this;
        }

        /** How many background runs execute at once (default 1000); more wait in the queue. */
        public Builder maxBackgroundRuns(int n) {
            this.maxBackgroundRuns = positive(n, "maxBackgroundRuns");
            return this;
        }

        /** How many background runs may wait (default 100 000); more are rejected. */
        public Builder maxQueuedBackgroundRuns(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("maxQueuedBackgroundRuns must be 0 or more");
            }
            this.maxQueuedBackgroundRuns = n;
            return this;
        }

        /** Replaces the in-process background executor (the two limits above then do not apply). */
        public Builder executor(RunExecutor executor) {
            this.executor = Objects.requireNonNull(executor);
            return this;
        }

        /**
         * Wraps each task this manager hands to another thread (a run, a background run's submission, a model or
         * tool call, a member run), on the handing thread, to carry thread-bound context along (an OpenTelemetry
         * context, say). Default: none.
         */
        public Builder taskWrapper(UnaryOperator<Runnable> wrapper) {
            this.taskWrapper = Objects.requireNonNull(wrapper);
            return this;
        }

        /** How cancels reach runs in other processes; default: this process only. */
        public Builder cancellationManager(CancellationManager manager) {
            this.cancellations = Objects.requireNonNull(manager);
            return this;
        }

        /** How long a cancel for an unknown run id is remembered (default 10 minutes). */
        public Builder cancelIntentTtl(Duration ttl) {
            this.cancelIntentTtl = Objects.requireNonNull(ttl);
            return this;
        }

        /** How many cancels for unknown run ids are remembered at most (default 10 000; oldest dropped). */
        public Builder maxCancelIntents(int n) {
            this.maxCancelIntents = positive(n, "maxCancelIntents");
            return this;
        }

        /** How long a cancelled team run waits for its members and tools to stop (default 5 s). */
        public Builder memberDrainTimeout(Duration d) {
            this.memberDrainTimeout = Objects.requireNonNull(d);
            return this;
        }

        /** How many events a stream buffers for a slow reader (default 1024). */
        public Builder streamBufferSize(int n) {
            this.streamBuffer = positive(n, "streamBufferSize");
            return this;
        }

        /**
         * How a final state the store cannot take is retried: first after {@code first}, then at
         * doubling intervals up to {@code max} (defaults 100 ms and 5 s), for as long as it takes.
         */
        public Builder finalWriteRetry(Duration first, Duration max) {
            if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
                throw new IllegalArgumentException("finalWriteRetry needs 0 < first <= max, got " + first + " and "
                        + max);
            }
            this.finalWriteFirstRetry = first;
            this.finalWriteMaxRetry = max;
            return this;
        }

        public RunManager build() {
            return new RunManager(this);
        }

        private static int positive(int n, String what) {
            if (n < 1) {
                throw new IllegalArgumentException(what + " must be 1 or more, was " + n);
            }
            return n;
        }
    }
}
