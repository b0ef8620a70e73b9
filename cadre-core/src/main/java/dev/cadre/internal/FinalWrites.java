package dev.cadre.internal;

import dev.cadre.run.RunResult;
import dev.cadre.db.Db;
import dev.cadre.db.DbException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The final writes of one store: a run's terminal state is written, and when the store cannot take it
 * the state is kept — in memory and in the store's {@link FinalStateJournal}, if it has one — and
 * retried with capped backoff until the store does, for as long as the process lives. It is never
 * dropped, except when its run no longer exists (its session was deleted).
 *
 * <p>Members come first: a run's state is not written while a member's (or a nested member's) is still
 * waiting, so a team run is never stored as ended over members that look {@code RUNNING}.
 *
 * <p>Thread-safe. One retrying virtual thread runs while writes are waiting.
 */
public final class FinalWrites {

    private static final Logger LOG = LoggerFactory.getLogger(FinalWrites.class);
    /** How long a poll waits for a write's first try to settle before trying it again itself. */
    private static final Duration FIRST_TRY_WAIT = Duration.ofSeconds(2);

    /** How soon a failed write is tried again, doubling up to {@code maxDelay}. */
    public record Backoff(Duration firstDelay, Duration maxDelay) {
        public static final Backoff DEFAULT = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));
    }

    private final Db store;
    private final String owner;
    private final Backoff backoff;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    /**
     * Writes not stored yet — their first try under way, or waiting for the retries — in the order they came. A
     * run's write waits while any write of one of its members (at any depth) is in here.
     */
    private final Map<String, FinalWrite> waiting = new LinkedHashMap<>();
    private boolean retrying;
    private boolean closed;
    private final EngineThreads threads;
    private final FinalWriteAttempts attempts;

    public FinalWrites(Db store, String ownerInstanceId, Backoff backoff, EngineThreads threads) {
        this.store = store;
        this.owner = ownerInstanceId;
        this.backoff = backoff;
        this.threads = threads;
        this.attempts = new FinalWriteAttempts(store, ownerInstanceId);
    }

    /**
     * Writes {@code state} now on the calling thread — unless a member of its run is still waiting, in
     * which case it waits behind it — and returns the write, whose {@link FinalWrite#stored} completes with
     * what the store holds: {@code state}, or the terminal state another writer stored first.
     */
    FinalWrite submit(RunResult state, List<String> ancestors) {
        FinalWrite w = new FinalWrite(state, ancestors);
        boolean behindMember;
        lock.lock();
        try {
            behindMember = hasMemberWaiting(state.runId());
            waiting.put(state.runId(), w); // from now on, its team runs wait for it
        } finally {
            lock.unlock();
        }
        if (!behindMember) {
            Optional<RunResult> held = attempts.attempt(w);
            if (held.isPresent()) {
                done(w, held.get());
                return w;
            }
        }
        enqueue(w);
        return w;
    }

    /**
     * Writes several runs' final states together — a cancelled team run's members, then the team run — in one
     * store call ({@link Db#finishRuns}) on the calling thread, one commit for all, and returns their writes in
     * the order given. When the store cannot take them together, each is written on its own as {@link #submit}
     * writes it (kept and retried if need be), members first.
     *
     * @param states members before the team runs above them
     * @param ancestors for each state, the team runs above it, nearest first
     */
    List<FinalWrite> submitAll(List<RunResult> states, List<List<String>> ancestors) {
        List<FinalWrite> writes = new ArrayList<>(states.size());
        for (int i = 0; i < states.size(); i++) {
            writes.add(new FinalWrite(states.get(i), ancestors.get(i)));
        }
        Set<String> together = new HashSet<>(writes.stream().map(FinalWrite::runId).toList());
        boolean behindMember;
        lock.lock();
        try {
            behindMember = writes.stream().anyMatch(w -> hasMemberWaiting(w.runId(), together));
            writes.forEach(w -> waiting.put(w.runId(), w));
        } finally {
            lock.unlock();
        }
        if (!behindMember) {
            Optional<List<RunResult>> held = attempts.together(writes);
            if (held.isPresent()) {
                for (int i = 0; i < writes.size(); i++) {
                    done(writes.get(i), held.get().get(i));
                }
                return writes;
            }
        }
        for (FinalWrite w : writes) {
            Optional<RunResult> held = behindMember || memberWaiting(w.runId()) ? Optional.empty()
                    : attempts.attempt(w);
            if (held.isPresent()) {
                done(w, held.get());
            } else {
                enqueue(w);
            }
        }
        return writes;
    }

    /** {@link #hasMemberWaiting(String)}, taking the lock. */
    private boolean memberWaiting(String runId) {
        lock.lock();
        try {
            return hasMemberWaiting(runId);
        } finally {
            lock.unlock();
        }
    }

    /** Whether a write of a member of {@code runId} (at any depth) is not stored yet. Holds the lock. */
    private boolean hasMemberWaiting(String runId) {
        return hasMemberWaiting(runId, Set.of());
    }

    /** As {@link #hasMemberWaiting(String)}, not counting the writes of {@code except}. Holds the lock. */
    private boolean hasMemberWaiting(String runId, Set<String> except) {
        return waiting.values().stream().anyMatch(o -> o.ancestors.contains(runId) && !o.stored.isDone()
                && !except.contains(o.runId()));
    }

    /** The write of {@code runId} waiting for the store, if any. */
    Optional<FinalWrite> waitingFor(String runId) {
        lock.lock();
        try {
            return Optional.ofNullable(waiting.get(runId)).filter(w -> w.queued);
        } finally {
            lock.unlock();
        }
    }

    /** Every write waiting for the store now (its first try failed), oldest first. */
    public List<FinalWrite> waiting() {
        lock.lock();
        try {
            return waiting.values().stream().filter(w -> w.queued).toList();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Tries the waiting write of {@code runId} now, on the calling thread, unless a member of its run is
     * still waiting. Returns whether nothing of that run is waiting any more.
     */
    boolean retryNow(String runId) {
        FinalWrite w;
        lock.lock();
        try {
            w = waiting.get(runId);
        } finally {
            lock.unlock();
        }
        if (w == null) {
            return true;
        }
        if (!w.queued) {
            // Its first try is under way on the run's thread: let it settle (it is one attempt) before trying again.
            try {
                CompletableFuture.anyOf(w.waiting, w.stored).get(FIRST_TRY_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (ExecutionException | TimeoutException e) {
                return w.stored.isDone();
            }
        }
        lock.lock();
        try {
            if (w.stored.isDone() || !w.queued) {
                return w.stored.isDone();
            }
            if (hasMemberWaiting(runId)) {
                return false; // a member comes first
            }
        } finally {
            lock.unlock();
        }
        Optional<RunResult> held = attempts.attempt(w);
        if (held.isPresent()) {
            done(w, held.get());
            return true;
        }
        return false;
    }

    /**
     * Stops retrying: every write still waiting is reported, left in the journal for the next start (if
     * the store has one), and its {@link FinalWrite#stored} fails, so that the threads waiting on it can end.
     * Called when the process shuts down.
     */
    public void abandon(String why) {
        List<FinalWrite> left;
        lock.lock();
        try {
            closed = true;
            left = waiting.values().stream().filter(w -> w.queued).toList();
            waiting.values().removeIf(w -> w.queued);
            wake.signalAll();
        } finally {
            lock.unlock();
        }
        for (FinalWrite w : left) {
            String kept = w.keptIn != null
                    ? "It is kept in " + w.keptIn + " and written when the store is opened next."
                    : "It is lost: " + (store.journal().isPresent()
                            ? "it could not be kept in " + store.journal().get().directory() + " either."
                            : "the store keeps no journal.");
            LOG.error("Run {} ended as {}, but its final state could not be written to store {} before {} ({} "
                    + "attempts since {}; last failure: {}). {}", w.runId(), w.state.status(), store.id(), why,
                    w.attempts.get(), w.since, w.lastFailure == null ? "none" : w.lastFailure.getMessage(), kept);
            w.stored.completeExceptionally(new DbException(DbException.Kind.UNAVAILABLE, "Run " + w.runId()
                    + " ended as " + w.state.status() + ", but its final state is not stored: " + why + ". "
                    + kept, w.lastFailure));
        }
    }

    // ---- writing -----------------------------------------------------------------------------------

    private void enqueue(FinalWrite w) {
        attempts.keep(w);
        boolean accepted;
        lock.lock();
        try {
            accepted = !closed;
            if (!accepted) {
                waiting.remove(w.runId(), w);
            } else {
                w.queued = true;
                if (!retrying) {
                    retrying = true;
                    threads.start("cadre-final-writes-" + store.id(), this::retryLoop);
                }
                wake.signalAll();
            }
        } finally {
            lock.unlock();
        }
        w.waiting.complete(null);
        if (!accepted) {
            w.stored.completeExceptionally(new DbException(DbException.Kind.CLOSED, "Run " + w.runId()
                    + " ended as " + w.state.status() + " while its process was shutting down; its final state is"
                    + " not stored." + (w.keptIn != null ? " It is kept in " + w.keptIn + "." : ""), w.lastFailure));
        }
    }

    /** Forgets a settled write, then tells whoever waits for it what the store holds. */
    private void done(FinalWrite w, RunResult held) {
        lock.lock();
        try {
            waiting.remove(w.runId(), w);
        } finally {
            lock.unlock();
        }
        if (w.keptIn != null) {
            store.journal().ifPresent(j -> j.forget(w.keptIn));
        }
        if (w.attempts.get() > 1 && !w.stored.isDone()) {
            LOG.info("Wrote the final state ({}) of run {} after {} attempts since {}", w.state.status(), w.runId(),
                    w.attempts, w.since);
        }
        w.stored.complete(held);
    }

    private void retryLoop() {
        long delayNanos = backoff.firstDelay().toNanos();
        while (true) {
            List<FinalWrite> round;
            lock.lock();
            try {
                long left = delayNanos;
                while (!closed && left > 0) {
                    try {
                        left = wake.awaitNanos(left);
                    } catch (InterruptedException e) {
                        left = 0; // nobody interrupts this thread; if someone does, retry now
                    }
                }
                if (closed || waiting.values().stream().noneMatch(w -> w.queued)) {
                    retrying = false;
                    return;
                }
                round = waiting.values().stream().filter(w -> w.queued).toList();
            } finally {
                lock.unlock();
            }
            boolean allWritten = true;
            for (FinalWrite w : round) {
                if (w.stored.isDone()) {
                    continue; // written meanwhile by retryNow
                }
                if (memberWaiting(w.runId())) {
                    allWritten = false; // members are written first: this one comes round again
                    continue;
                }
                Optional<RunResult> held = attempts.attempt(w);
                if (held.isPresent()) {
                    done(w, held.get());
                } else {
                    allWritten = false;
                }
            }
            delayNanos = allWritten ? backoff.firstDelay().toNanos()
                    : Math.min(backoff.maxDelay().toNanos(), delayNanos * 2);
            if (!allWritten && round.getFirst().attempts.get() % 20 == 0) {
                LOG.warn("{} final state(s) still waiting for store {}; the oldest since {}: {}", round.size(),
                        store.id(), round.getFirst().since, round.getFirst().lastFailure == null ? ""
                                : round.getFirst().lastFailure.getMessage());
            }
        }
    }
}
