package dev.cadre.jdbc.internal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this process visibly alive in a store and ends the runs of processes that are not: beats the
 * heartbeat of {@code instanceId}, then ends every unfinished run whose owner's heartbeat is older
 * than {@code staleAfter} ({@code CANCELLED} when someone asked to cancel it, {@code ERROR} otherwise).
 *
 * <p>After this process could not reach the store (a database outage), or beat too late (a stuck
 * connection, the whole process paused), it does not sweep until its own heartbeat has been steady for
 * {@code staleAfter} again (see {@link dev.cadre.jdbc.OwnHeartbeat}): every other live process may have
 * been unable to beat meanwhile too, and must get the time to do so before it is taken for dead. The same
 * record tells the durable executor when it may judge other processes, and for how long this process
 * may still act for its runs.
 *
 * <p>{@link #start} does one round at once, on the caller's thread, so that a store that cannot do it
 * fails when it is opened; later rounds run every {@code interval} on a daemon thread of their own until
 * {@link #close}. A failed later round is logged as an error and retried at the next interval: there
 * is no caller to throw to, and one missed round must not stop the next.
 */
public final class Liveness implements AutoCloseable {

    /** The reason written on runs whose process stopped. */
    public static final String ORPHAN_REASON = "the process running this run stopped before the run ended; what it"
            + " produced after its last recorded step was lost with it";

    private static final Logger LOG = LoggerFactory.getLogger("dev.cadre.jdbc");
    /** Instance rows with no heartbeat for this long and no unfinished runs are deleted. */
    private static final Duration FORGET_AFTER = Duration.ofDays(7);

    private final JdbcStore store;
    private final String instanceId;
    private final Duration staleAfter;
    private final boolean sweep;
    private ScheduledExecutorService scheduler;
    private final HeartbeatStreak streak;
    /**
     * Whether every round so far reached the store in time: then the sweep may run at once, as when the store
     * opens; after the first failed or late one it waits for a steady {@code staleAfter}.
     */
    private volatile boolean neverFailed = true;
    /** When the heartbeat began to fail, while it does (for the log line when it is back). */
    private volatile java.time.Instant failingSince;

    private Liveness(JdbcStore store, String instanceId, Duration interval, Duration staleAfter, boolean sweep,
            java.util.function.LongSupplier nanos) {
        this.sweep = sweep;
        this.store = store;
        this.instanceId = instanceId;
        this.staleAfter = staleAfter;
        this.streak = new HeartbeatStreak(HeartbeatStreak.maxGap(interval, staleAfter), nanos);
    }

    /**
     * @param interval time between rounds; {@link Duration#ZERO} for only the round at start
     * @param sweep whether to end the runs of dead processes (else only beat)
     * @throws dev.cadre.db.DbException when the first round fails
     */
    public static Liveness start(JdbcStore store, String instanceId, Duration interval, Duration staleAfter,
            boolean sweep) {
        Liveness live = new Liveness(store, instanceId, interval, staleAfter, sweep, System::nanoTime);
        live.round();
        if (!interval.isZero()) {
            // A platform thread: a heartbeat must not wait for a carrier thread that busy runs keep, or a live
            // process could be taken for dead (and a durable one's runs resumed elsewhere while it runs them).
            live.scheduler = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().daemon().name("cadre-store-liveness-" + store.id()).factory());
            long ms = interval.toMillis();
            live.scheduler.scheduleWithFixedDelay(() -> {
                try {
                    live.round();
                } catch (RuntimeException | Error e) {
                    // An Error too: a task that throws is never run again, and a process that stops beating is
                    // taken for dead while it runs.
                    live.streak.failed();
                    live.neverFailed = false;
                    live.failingSince = live.failingSince != null ? live.failingSince : java.time.Instant.now();
                    LOG.error("Cadre store {}: heartbeat or orphan sweep failed ({}); other processes take this one"
                            + " for dead if this lasts longer than {} (they end its runs, or resume them in durable"
                            + " mode). Retrying in {}.", store.id(), e.getMessage(), staleAfter, interval);
                }
            }, ms, ms, TimeUnit.MILLISECONDS);
        }
        return live;
    }

    private void round() {
        long started = streak.now();
        store.heartbeat(instanceId);
        if (!streak.succeeded(started)) {
            neverFailed = false;
        }
        if (failingSince != null) {
            LOG.info("Cadre store {}: the heartbeat of {} is recorded again (it failed since {})", store.id(),
                    instanceId, failingSince);
            failingSince = null;
        }
        boolean judge = neverFailed || streak.own().steadyFor(streak.now()).compareTo(staleAfter) >= 0;
        if (!sweep || !judge) {
            return; // not ours to sweep; or back from an outage: give the others time to beat before judging them
        }
        List<String> ended = store.failOrphanedRuns(staleAfter, ORPHAN_REASON);
        if (!ended.isEmpty()) {
            LOG.warn("Cadre store {}: ended {} run(s) because the process running them stopped (as CANCELLED those"
                    + " with a cancel request, as ERROR the others): {}", store.id(), ended.size(), ended);
        }
        store.forgetInstances(FORGET_AFTER);
    }

    public boolean sweeps() {
        return sweep;
    }

    /** Whether the last round reached the store. */
    public boolean healthy() {
        return streak.own().steadySince() != Long.MIN_VALUE;
    }

    /** How this process's own heartbeat has gone so far. */
    public dev.cadre.jdbc.OwnHeartbeat own() {
        return streak.own();
    }

    public String instanceId() {
        return instanceId;
    }

    public Duration staleAfter() {
        return staleAfter;
    }

    /** Stops the periodic rounds and waits briefly for one in progress. */
    @Override
    public void close() {
        if (scheduler == null) {
            return;
        }
        // shutdown, not shutdownNow: interrupting a round could abort a write half-way through the driver.
        scheduler.shutdown();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
