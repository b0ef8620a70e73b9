package dev.cadre.anthropic.internal;

import com.anthropic.errors.AnthropicIoException;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.errors.SseException;
import dev.cadre.model.AbortSignal;
import dev.cadre.model.ModelException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Cadre's own retry loop around SDK calls (the SDK runs with {@code maxRetries(0)}), so that an abort is
 * checked before every attempt and cuts a backoff short: the SDK's loop would start a new request after a
 * cancelled one. Follows the Anthropic SDK's policy: retry 408, 409, 429, 5xx (529 "overloaded" included) and
 * connection failures; honour {@code x-should-retry}, then {@code retry-after-ms}, then {@code retry-after}
 * (seconds or an HTTP date); otherwise back off exponentially from 0.5 s to 8 s with jitter. A server asking
 * for a longer wait than {@code maxRetryAfter} is not retried. Not public API.
 */
public final class RetryLoop {

    /** One attempt; told its 0-based number. */
    @FunctionalInterface
    public interface Attempt<T> {
        T run(int attempt);
    }

    private final Settings settings;

    public RetryLoop(Settings settings) {
        this.settings = settings;
    }

    /**
     * Runs {@code attempt} until it succeeds, fails for good, or the signal aborts.
     *
     * @param mayRetry checked after a failure: false once a streamed attempt has delivered output, which
     *     must not be repeated
     */
    public <T> T run(AbortSignal abort, Attempt<T> attempt, BooleanSupplier mayRetry) {
        for (int n = 0; ; n++) {
            if (abort.isAborted()) {
                throw Errors.cancelled(null);
            }
            try {
                return attempt.run(n);
            } catch (RuntimeException e) {
                if (abort.isAborted()) {
                    throw Errors.cancelled(e);
                }
                if (e instanceof ModelException m) {
                    throw m;
                }
                Optional<Duration> delay = n < settings.maxRetries() && mayRetry.getAsBoolean()
                        ? retryDelay(e, n) : Optional.empty();
                if (delay.isEmpty()) {
                    throw Errors.map(e, settings, n + 1);
                }
                sleep(delay.get(), abort, e);
            }
        }
    }

    Optional<Duration> retryDelay(RuntimeException e, int attempt) {
        if (e instanceof SseException) {
            // An error event inside a stream that has handed on nothing yet: the stream as a whole failed.
            return Optional.of(backoff(attempt));
        }
        if (e instanceof AnthropicServiceException s) {
            String shouldRetry = header(s, "x-should-retry");
            if ("false".equals(shouldRetry)) {
                return Optional.empty();
            }
            int status = s.statusCode();
            boolean retryable = "true".equals(shouldRetry) || status == 408 || status == 409 || status == 429
                    || status >= 500;
            if (!retryable) {
                return Optional.empty();
            }
            Optional<Duration> asked = serverDelay(s);
            if (asked.isPresent()) {
                return asked.get().compareTo(settings.maxRetryAfter()) <= 0 ? asked : Optional.empty();
            }
            return Optional.of(backoff(attempt));
        }
        if (e instanceof AnthropicIoException) {
            return Optional.of(backoff(attempt));
        }
        return Optional.empty();
    }

    static Duration backoff(int attempt) {
        double seconds = Math.min(0.5 * Math.pow(2, attempt), 8.0);
        double jitter = 1.0 - 0.25 * ThreadLocalRandom.current().nextDouble();
        return Duration.ofNanos((long) (seconds * jitter * 1e9));
    }

    private static Optional<Duration> serverDelay(AnthropicServiceException s) {
        String ms = header(s, "retry-after-ms");
        if (ms != null) {
            try {
                double v = Double.parseDouble(ms);
                if (v >= 0) {
                    return Optional.of(Duration.ofNanos((long) (v * 1e6)));
                }
            } catch (NumberFormatException ignored) {
                // fall through to retry-after
            }
        }
        String after = header(s, "retry-after");
        if (after != null) {
            try {
                double v = Double.parseDouble(after);
                if (v >= 0) {
                    return Optional.of(Duration.ofNanos((long) (v * 1e9)));
                }
            } catch (NumberFormatException notSeconds) {
                try {
                    ZonedDateTime at = ZonedDateTime.parse(after, DateTimeFormatter.RFC_1123_DATE_TIME);
                    Duration d = Duration.between(ZonedDateTime.now(at.getZone()), at);
                    return Optional.of(d.isNegative() ? Duration.ZERO : d);
                } catch (RuntimeException ignored) {
                    // not a date either: use the backoff
                }
            }
        }
        return Optional.empty();
    }

    private static String header(AnthropicServiceException s, String name) {
        var values = s.headers().values(name);
        return values.isEmpty() ? null : values.get(0).trim();
    }

    /** Waits out a backoff; an abort ends the wait at once. */
    private static void sleep(Duration delay, AbortSignal abort, RuntimeException lastFailure) {
        CountDownLatch aborted = new CountDownLatch(1);
        AbortSignal.Registration registration = abort.onAbort(aborted::countDown);
        try {
            if (aborted.await(delay.toNanos(), TimeUnit.NANOSECONDS)) {
                throw Errors.cancelled(lastFailure);
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw Errors.cancelled(lastFailure);
        } finally {
            registration.close();
        }
    }
}
