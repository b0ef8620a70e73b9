package dev.cadre.durable.internal;

import dev.cadre.jdbc.OwnHeartbeat;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether this process may take another for dead, and which: read from its own heartbeat at the moment of judging,
 * never earlier. A judgement made from a reading taken before a slow call (DBOS retries its calls through an outage)
 * would rest on a heartbeat that was steady before the outage, while every other process's looks old because of the
 * outage alone — and a live process would be taken for dead.
 *
 * @param steadySince when this process's heartbeat became steady
 * @param judgeAll whether it has been steady long enough (twice {@code staleAfter}) to judge also the processes that
 *     have not beaten since then
 * @param cutoff a process whose last beat is not after this is stale
 */
record Standing(Instant steadySince, boolean judgeAll, Instant cutoff) {

    /**
     * This process's standing now: empty while its own heartbeat has not been steady for {@code staleAfter} (it may
     * have been kept from the database by what kept the others: it judges nobody).
     */
    static Optional<Standing> of(OwnHeartbeat own, long nanoNow, Instant now, Duration staleAfter) {
        Duration steady = own.steadyFor(nanoNow);
        if (steady.compareTo(staleAfter) < 0) {
            return Optional.empty();
        }
        // A process that has not beaten since this one's heartbeat became steady may have been kept from it by what
        // kept this one (an outage): it is given staleAfter to be stale, and as long again to be back — reconnecting
        // takes a while (HikariCP waits up to 5 s between two attempts), more on a busy machine.
        return Optional.of(new Standing(now.minus(steady), steady.compareTo(staleAfter.multipliedBy(2)) >= 0,
                now.minus(staleAfter)));
    }

    /** Whether a process whose last beat is {@code beat} is dead, as this process may tell now. */
    boolean takesForDead(Optional<Instant> beat) {
        if (beat.isPresent() && beat.get().isAfter(cutoff)) {
            return false; // alive
        }
        return judgeAll || beat.filter(b -> !b.isBefore(steadySince)).isPresent(); // else maybe on its way back
    }
}
