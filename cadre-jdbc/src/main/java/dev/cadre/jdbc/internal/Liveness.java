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
 * heartbeat of {@code instanceId}, then fails every unfinished run whose owner's heartbeat is older
 * than {@code staleAfter}.
 *
 * <p>{@link #start} does one round at once, on the caller's thread, so that a store that cannot do it
 * fails when it is opened; later rounds run every {@code interval} on a daemon virtual thread until
 * {@link #close}. A failed later round is logged as an error and retried at the next interval: there
 * is no caller to throw to, and one missed round must not stop the next.
 */
public final class Liveness implements AutoCloseable {

    /** The reason written on runs whose process stopped. */
    public static final String ORPHAN_REASON = "the process running this run stopped";

    private static final Logger LOG = LoggerFactory.getLogger("dev.cadre.jdbc");
    /** Instance rows with no heartbeat for this long and no unfinished runs are deleted. */
    private static final Duration FORGET_AFTER = Duration.ofDays(7);

    private final JdbcStore store;
    private final String instanceId;
    private final Duration staleAfter;
    private final ScheduledExecutorService scheduler;

    private Liveness(JdbcStore store, String instanceId, Duration staleAfter, ScheduledExecutorService scheduler) {
        this.store = store;
        this.instanceId = instanceId;
        this.staleAfter = staleAfter;
        this.scheduler = scheduler;
    }

    /**
     * @param interval time between rounds; {@link Duration#ZERO} for only the round at start
     * @throws dev.cadre.store.StoreException when the first round fails
     */
    public static Liveness start(JdbcStore store, String instanceId, Duration interval, Duration staleAfter) {
        round(store, instanceId, staleAfter);
        ScheduledExecutorService scheduler = null;
        if (!interval.isZero()) {
            scheduler = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofVirtual().name("cadre-store-liveness-" + store.id()).factory());
            long ms = interval.toMillis();
            scheduler.scheduleWithFixedDelay(() -> {
                try {
                    round(store, instanceId, staleAfter);
                } catch (RuntimeException e) {
                    LOG.error("Cadre store {}: heartbeat or orphan sweep failed; runs of this process may be taken"
                            + " for orphans if this lasts longer than {}. Retrying in {}.", store.id(), staleAfter,
                            interval, e);
                }
            }, ms, ms, TimeUnit.MILLISECONDS);
        }
        return new Liveness(store, instanceId, staleAfter, scheduler);
    }

    private static void round(JdbcStore store, String instanceId, Duration staleAfter) {
        store.heartbeat(instanceId);
        List<String> ended = store.failOrphanedRuns(staleAfter, ORPHAN_REASON);
        if (!ended.isEmpty()) {
            LOG.warn("Cadre store {}: ended {} run(s) as ERROR because the process running them stopped: {}",
                    store.id(), ended.size(), ended);
        }
        store.forgetInstances(FORGET_AFTER);
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
