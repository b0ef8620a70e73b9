package dev.cadre.model.support;

import dev.cadre.model.AbortSignal;
import dev.cadre.model.ModelException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Runs a model call's attempts until one succeeds, the call fails for good, or its {@link AbortSignal} aborts.
 * Meant for SDKs whose own retries are switched off: their loops would start a new request after a cancelled
 * one, while this one checks the signal before every attempt and ends a wait between attempts at once.
 *
 * <p>What it promises:
 * <ul>
 *   <li>no attempt starts once the signal is aborted; the call then fails with {@link ModelFailures#cancelled()};
 *   <li>an attempt that fails while the signal is aborted is not retried, whatever the failure: the call fails
 *       as cancelled, with that failure as the cause;
 *   <li>a {@link ModelException} thrown by an attempt ends the call as it is, never retried;
 *   <li>any other failure is retried at most {@code maxRetries} times, after the wait its {@link RetryPolicy}
 *       names; without a wait, or with no retries left, the call fails with {@link RetryPolicy#giveUp}.
 * </ul>
 *
 * <p>Threading: attempts and waits run on the calling thread, one after the other. The loop keeps no state
 * between calls, so one loop serves concurrent calls. An interrupt during a wait ends the call as cancelled and
 * keeps the thread's interrupt flag set.
 */
public final class RetryLoop {

    /** One attempt; told its 0-based number. */
    @FunctionalInterface
    public interface Attempt<T> {
        T run(int attempt);
    }

    private final int maxRetries;
    private final RetryPolicy policy;

    /**
     * @param maxRetries how many times a failed call may be retried; 0 for one attempt only
     * @throws IllegalArgumentException if {@code maxRetries} is negative
     */
    public RetryLoop(int maxRetries, RetryPolicy policy) {
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must not be negative, was " + maxRetries);
        }
        this.maxRetries = maxRetries;
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    /**
     * Runs {@code attempt} until it succeeds, fails for good, or {@code abort} aborts.
     *
     * @param mayRetry asked after a failure: false once a streamed attempt has handed on output, which must not
     *     be repeated
     * @return what the successful attempt returned
     * @throws ModelException when the call fails for good or is cancelled
     */
    public <T> T run(AbortSignal abort, Attempt<T> attempt, BooleanSupplier mayRetry) {
        for (int n = 0; ; n++) {
            if (abort.isAborted()) {
                throw ModelFailures.cancelled();
            }
            try {
                return attempt.run(n);
            } catch (RuntimeException e) {
                if (abort.isAborted()) {
                    throw ModelFailures.cancelled(e);
                }
                if (e instanceof ModelException m) {
                    throw m;
                }
                Optional<Duration> delay = n < maxRetries && mayRetry.getAsBoolean()
                        ? policy.retryDelay(e, n) : Optional.empty();
                if (delay.isEmpty()) {
                    throw policy.giveUp(e, n + 1);
                }
                await(delay.get(), abort, e);
            }
        }
    }

    /** Waits out a delay between attempts; an abort ends the wait at once. */
    private static void await(Duration delay, AbortSignal abort, RuntimeException lastFailure) {
        CountDownLatch aborted = new CountDownLatch(1);
        try (AbortSignal.Registration registration = abort.onAbort(aborted::countDown)) {
            if (aborted.await(delay.toNanos(), TimeUnit.NANOSECONDS)) {
                throw ModelFailures.cancelled(lastFailure);
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw ModelFailures.cancelled(lastFailure);
        }
    }
}
