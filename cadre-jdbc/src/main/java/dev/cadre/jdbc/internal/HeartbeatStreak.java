package dev.cadre.jdbc.internal;

import dev.cadre.jdbc.OwnHeartbeat;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The bookkeeping behind {@link OwnHeartbeat}: each beat's start and end, and since when they have come steadily.
 * Thread-safe; the {@link OwnHeartbeat} it hands out is a snapshot.
 */
public final class HeartbeatStreak {

    private final Duration maxGap;
    private final LongSupplier nanos;
    private boolean beaten;
    private long lastBeatStarted;
    private volatile OwnHeartbeat own;

    /** @param nanos the clock: {@code System::nanoTime}, or a test's */
    public HeartbeatStreak(Duration maxGap, LongSupplier nanos) {
        this.maxGap = maxGap;
        this.nanos = nanos;
        this.own = new OwnHeartbeat(Long.MIN_VALUE, 0, maxGap);
    }

    /**
     * The longest a beat may end after the start of the one before it: halfway between the interval and
     * {@code staleAfter}. A beat normally ends one interval (and two round trips) after the one before it
     * started, so a steady heartbeat is never taken for a late one; and a stretch that goes on guarantees that
     * this process's value in the db was never older than {@code maxGap}, well under {@code staleAfter}
     * (at most three quarters of it, as the interval is at most half of it). Without periodic beats (a zero
     * interval) the stretch ends after half of {@code staleAfter}.
     */
    public static Duration maxGap(Duration interval, Duration staleAfter) {
        return interval.isZero() ? staleAfter.dividedBy(2) : interval.plus(staleAfter).dividedBy(2);
    }

    public long now() {
        return nanos.getAsLong();
    }

    /**
     * A beat that started at {@code started} succeeded now. Returns whether it kept the stretch going (or was the
     * first beat): false when it came after a failed beat or too late.
     */
    public synchronized boolean succeeded(long started) {
        long ended = nanos.getAsLong();
        OwnHeartbeat was = own;
        boolean first = !beaten;
        boolean goesOn = was.steadySince() != Long.MIN_VALUE && ended - lastBeatStarted <= maxGap.toNanos();
        long since = first || !goesOn ? ended : was.steadySince();
        beaten = true;
        lastBeatStarted = started;
        own = new OwnHeartbeat(since, started, maxGap);
        return first || goesOn;
    }

    /** A beat failed: the stretch is over until the next one succeeds. */
    public synchronized void failed() {
        own = new OwnHeartbeat(Long.MIN_VALUE, own.lastBeatStarted(), maxGap);
    }

    public OwnHeartbeat own() {
        return own;
    }
}
