package dev.cadre.model.support;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter: attempt {@code n} waits {@code initial × 2ⁿ}, capped at {@code max}, less a
 * random share of up to a quarter so that clients that failed together do not retry together.
 *
 * @param initial the wait after the first failed attempt (before jitter); positive
 * @param max the longest wait (before jitter); not shorter than {@code initial}
 */
public record Backoff(Duration initial, Duration max) {

    /**
     * @throws IllegalArgumentException if {@code initial} is not positive or {@code max} is shorter
     */
    public Backoff {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(max, "max");
        if (initial.isNegative() || initial.isZero()) {
            throw new IllegalArgumentException("Backoff initial must be positive, was " + initial);
        }
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("Backoff max (" + max + ") is shorter than initial (" + initial + ")");
        }
    }

    /**
     * The wait after the 0-based {@code attempt} failed; between three quarters of the capped wait and all of it.
     * Thread-safe.
     */
    public Duration delay(int attempt) {
        double seconds = Math.min(seconds(initial) * Math.pow(2, attempt), seconds(max));
        double jitter = 1.0 - 0.25 * ThreadLocalRandom.current().nextDouble();
        return Duration.ofNanos((long) (seconds * jitter * 1e9));
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }
}
