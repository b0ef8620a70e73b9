package dev.cadre.jdbc;

import java.time.Duration;

/**
 * How this process's own heartbeat has gone so far, for what must not act on a view of the other processes that
 * may be out of date: judging them dead (the durable executor's recovery) and acting for runs another process may
 * have taken over (its fencing). Times are {@link System#nanoTime()} values of this process.
 *
 * <p>The heartbeat is <em>steady</em> while every beat succeeds and each ends within {@link #maxGap} of the
 * start of the one before it: the database was then reachable from here at least every {@code maxGap}, and so it
 * was for the other processes too, unless their own connection failed. A failed beat, or one that came too late
 * (a stuck connection, a pause of the whole process), ends the steadiness; it starts again with the next beat
 * that succeeds.
 *
 * @param steadySince when the current steady stretch began (the end of its first beat); {@link Long#MIN_VALUE}
 *     while the last beat failed
 * @param lastBeatStarted when the last successful beat started (its value in the db is no older than that)
 * @param maxGap the longest a beat may end after the start of the one before it for the stretch to go on
 */
public record OwnHeartbeat(long steadySince, long lastBeatStarted, Duration maxGap) {

    /** Whether the stretch is going on at {@code now}: the last beat succeeded and the next is not late yet. */
    public boolean steadyAt(long now) {
        return steadySince != Long.MIN_VALUE && now - lastBeatStarted <= maxGap.toNanos();
    }

    /** How long the heartbeat has been steady at {@code now}; zero when it is not. */
    public Duration steadyFor(long now) {
        return steadyAt(now) ? Duration.ofNanos(now - steadySince) : Duration.ZERO;
    }
}
