package dev.cadre.internal;

import dev.cadre.db.Db;
import dev.cadre.run.CancelResult;
import dev.cadre.run.Run;
import dev.cadre.run.RunRefusedException;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import java.time.Duration;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The runs of this process that have started and not yet ended, and the cancels that arrived for
 * runs not started yet.
 *
 * <p>Cancel intents for unknown ids are kept for a limited time and in a limited number (the
 * oldest go first), so ids that never start cannot make memory grow without bound.
 */
public final class RunRegistry {

    /**
     * A run this process is executing.
     *
     * @param done completes with the run's end as stored, once it is stored
     * @param settled completes when the run has ended or its final state is waiting for the store
     * @param finalStatePending whether the run has ended but the db has not taken its final state yet
     * @param handle the run's handle, for whoever finds it by id
     * @param db where the run is stored (where cancel requests for it are recorded)
     */
    public record ActiveRun(String runId, String componentId, String sessionId, RunControl control,
            Supplier<RunResult> snapshot, CompletableFuture<RunResult> done, CompletableFuture<Void> settled,
            BooleanSupplier finalStatePending, Run<?> handle, Optional<Db> db) {

        /** Waits for this run's end until {@code deadlineNanos} ({@link System#nanoTime}), through interrupts. */
        public EndWait awaitEnd(long deadlineNanos) {
            boolean interrupted = false;
            while (true) {
                try {
                    done.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
                    return new EndWait(true, interrupted);
                } catch (TimeoutException e) {
                    return new EndWait(false, interrupted);
                } catch (InterruptedException e) {
                    interrupted = true; // the caller restores the flag once it is done waiting
                } catch (ExecutionException e) {
                    return new EndWait(true, interrupted);
                }
            }
        }
    }

    /** Whether a run ended in time, and whether the waiting thread was interrupted meanwhile. */
    public record EndWait(boolean ended, boolean interrupted) {
    }

    /** How long a cancel waits for the run's end to be stored, so that its answer says what the store holds. */
    private static final Duration CANCEL_ANSWER_WAIT = Duration.ofSeconds(5);

    private final Map<String, ActiveRun> active = new ConcurrentHashMap<>();
    /** Runs between their start and their end (queued background runs are active, not executing). */
    private final AtomicInteger executing = new AtomicInteger();
    /** Background runs accepted and still {@code PENDING}: neither started nor ended (a cancel ends one at once). */
    private final AtomicInteger queued = new AtomicInteger();
    /**
     * Stand-ins for runs another process executes, while this one performs a step of theirs (see
     * {@link RunEngine#perform}): a cancel of the run stops the step here too.
     */
    private final Map<String, java.util.Set<RunControl>> standIns = new ConcurrentHashMap<>();
    /** Cancels for runs not started yet: run id → when it expires (System.nanoTime). */
    private final LinkedHashMap<String, Long> intents = new LinkedHashMap<>();
    /** How recently ended runs ended, so a late cancel is answered truthfully even without a store. */
    private final LinkedHashMap<String, RunStatus> recentlyEnded = new LinkedHashMap<>();
    private volatile boolean closed;
    private final Duration intentTtl;
    private final int maxIntents;

    /** One per run manager: a registry knows only its manager's runs. */
    public RunRegistry(Duration intentTtl, int maxIntents) {
        this.intentTtl = intentTtl;
        this.maxIntents = maxIntents;
    }

    /**
     * Registers a starting run ({@code member}: started by a team run). If a cancel for its id arrived
     * before, the run is cancelled at once.
     *
     * @throws IllegalStateException when a run with that id is already running here
     */
    public ActiveRun register(ActiveRun run, boolean member) {
        boolean cancelledBeforeStart;
        synchronized (this) {
            // members of a team still finishing during shutdown may start; new top-level runs may not
            if (closed && !member) {
                throw new RunRefusedException(RunRefusedException.Reason.SHUT_DOWN,
                        "The run manager is shut down: it accepts no new runs");
            }
            if (active.putIfAbsent(run.runId(), run) != null) {
                throw new RunRefusedException(RunRefusedException.Reason.RUN_ID_IN_USE,
                        "A run with id " + run.runId() + " is already running; run ids "
                        + "must be unique");
            }
            cancelledBeforeStart = takeIntent(run.runId());
        }
        if (cancelledBeforeStart) {
            run.control().cancel(cancelReason(run.runId()));
        }
        return run;
    }

    /** Refuses new runs from now on. */
    public synchronized void close() {
        closed = true;
    }

    /** Forgets a run that could not start; nothing is remembered about it. */
    public void discard(ActiveRun run) {
        active.remove(run.runId(), run);
    }

    /** Forgets an ended run, remembering for a while how it ended ({@code status}, as stored). */
    public void unregister(ActiveRun run, RunStatus status) {
        synchronized (this) {
            if (active.remove(run.runId(), run) && status.isTerminal()) {
                recentlyEnded.remove(run.runId());
                recentlyEnded.put(run.runId(), status);
                while (recentlyEnded.size() > maxIntents) {
                    Iterator<String> oldest = recentlyEnded.keySet().iterator();
                    oldest.next();
                    oldest.remove();
                }
            }
        }
    }

    /** A registered run starts executing (it left the queue); {@link #executionEnded} follows, once. */
    void executionStarted() {
        executing.incrementAndGet();
    }

    void executionEnded() {
        executing.decrementAndGet();
    }

    /** How many runs execute now: started and not ended. */
    public int executing() {
        return executing.get();
    }

    /** A background run was registered {@code PENDING}; {@link #leftQueue} follows, once, as it leaves it. */
    void queued() {
        queued.incrementAndGet();
    }

    void leftQueue() {
        queued.decrementAndGet();
    }

    /** How many background runs wait to start now. */
    public int queuedBackground() {
        return queued.get();
    }

    public Optional<ActiveRun> get(String runId) {
        return Optional.ofNullable(active.get(runId));
    }

    public Collection<ActiveRun> activeRuns() {
        return List.copyOf(active.values());
    }

    /**
     * Cancels a run running here, or reports how it ended if it ended here recently. Returns empty
     * when the run is not known here (nothing is remembered; see {@link #rememberCancel}).
     *
     * <p>Waits a little (a few seconds at most) for the run's end to be stored, so that the answer says
     * what the store holds, or says plainly that the final state is not stored yet.
     */
    public Optional<CancelResult> cancelLocal(String runId) {
        return cancelLocal(runId, cancelReason(runId));
    }

    /** Registers the control of a stand-in for run {@code runId}, until the returned handle is closed. */
    AutoCloseable addStandIn(String runId, RunControl control) {
        standIns.computeIfAbsent(runId, k -> ConcurrentHashMap.newKeySet()).add(control);
        return () -> standIns.computeIfPresent(runId, (k, set) -> {
            set.remove(control);
            return set.isEmpty() ? null : set;
        });
    }

    /** Cancels the stand-ins of {@code runId} here: the steps this process performs for it stop. */
    public void cancelStandIns(String runId, String reason) {
        java.util.Set<RunControl> controls = standIns.get(runId);
        if (controls != null) {
            controls.forEach(c -> c.cancel(reason));
        }
    }

    /** {@link #cancelLocal(String)} with a reason of the caller's. */
    public Optional<CancelResult> cancelLocal(String runId, String reason) {
        cancelStandIns(runId, reason);
        ActiveRun run = active.get(runId);
        if (run == null) {
            synchronized (this) {
                return Optional.ofNullable(recentlyEnded.get(runId))
                        .map(status -> CancelResult.alreadyFinished(runId, status, Optional.empty()));
            }
        }
        RunStatus decided = run.control().cancel(reason);
        awaitSettled(run);
        RunResult stored = run.done().getNow(null);
        if (stored != null) {
            return Optional.of(stored.status() == RunStatus.CANCELLED && decided == RunStatus.CANCELLED
                    ? CancelResult.cancelled(runId)
                    : CancelResult.alreadyFinished(runId, stored.status(),
                            stored.error().map(dev.cadre.run.RunFailure::message)));
        }
        if (run.finalStatePending().getAsBoolean()) {
            return Optional.of(CancelResult.notStoredYet(runId, decided, decided == RunStatus.CANCELLED));
        }
        return Optional.of(decided == RunStatus.CANCELLED ? CancelResult.cancelling(runId)
                : CancelResult.alreadyFinished(runId, decided, Optional.empty()));
    }

    private static void awaitSettled(ActiveRun run) {
        try {
            run.settled().get(CANCEL_ANSWER_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // answered from what is known now
        }
    }

    /**
     * Remembers a cancel for a run that is not known, so that it is cancelled if it starts soon.
     * Returns the result of cancelling it right away instead if it started in the meantime.
     */
    public Optional<CancelResult> rememberCancel(String runId) {
        synchronized (this) {
            RunStatus ended = recentlyEnded.get(runId);
            if (ended != null) {
                return Optional.of(CancelResult.alreadyFinished(runId, ended, Optional.empty()));
            }
            if (!active.containsKey(runId)) {
                purgeExpired();
                intents.remove(runId);
                intents.put(runId, System.nanoTime() + intentTtl.toNanos());
                while (intents.size() > maxIntents) {
                    Iterator<String> oldest = intents.keySet().iterator();
                    oldest.next();
                    oldest.remove();
                }
                return Optional.empty();
            }
        }
        return cancelLocal(runId);
    }

    public synchronized int pendingCancelCount() {
        purgeExpired();
        return intents.size();
    }

    public static String cancelReason(String runId) {
        return "Run " + runId + " was cancelled";
    }

    private boolean takeIntent(String runId) {
        Long expiry = intents.remove(runId);
        return expiry != null && expiry - System.nanoTime() > 0;
    }

    private void purgeExpired() {
        long now = System.nanoTime();
        intents.values().removeIf(expiry -> expiry - now <= 0);
    }
}
