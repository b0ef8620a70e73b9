package dev.cadre.model.support;

import dev.cadre.model.ModelException;
import java.time.Duration;
import java.util.Optional;

/**
 * What a {@link RetryLoop} asks its model about a failed attempt: whether and when to try again, and what the
 * call fails with when it does not.
 *
 * <p>Implementations must be thread-safe (one policy serves every call of a model) and quick: both methods run
 * on the calling thread between attempts.
 */
public interface RetryPolicy {

    /**
     * How long to wait before the next attempt, or empty not to retry {@code failure}. Only asked while retries
     * are left and the call may still be retried.
     *
     * @param attempt the 0-based number of the attempt that failed
     */
    Optional<Duration> retryDelay(RuntimeException failure, int attempt);

    /**
     * The exception the call ends with when {@code failure} is not retried: a message that says what to do.
     *
     * @param attempts how many attempts were made, counting retries (at least 1)
     */
    ModelException giveUp(RuntimeException failure, int attempts);
}
