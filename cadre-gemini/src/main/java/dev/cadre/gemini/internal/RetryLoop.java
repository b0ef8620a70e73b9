package dev.cadre.gemini.internal;

import com.google.genai.errors.ApiException;
import com.google.genai.errors.GenAiIOException;
import dev.cadre.model.AbortSignal;
import dev.cadre.model.ModelException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Cadre's own retry loop around SDK calls (the SDK's {@code RetryInterceptor} runs with one attempt), so that
 * an abort is checked before every attempt and cuts a backoff short: the SDK's loop sleeps inside OkHttp and
 * would start a new request after a cancelled one. Retries what Google's APIs call transient — 408, 429, 500,
 * 502, 503, 504 — and connection failures; the wait is the error's {@code RetryInfo.retryDelay}, else its
 * {@code Retry-After}, else an exponential backoff from 1 s to 16 s with jitter. A server asking for a longer
 * wait than {@code maxRetryAfter} is not retried. Not public API.
 */
public final class RetryLoop {

    private static final Set<Integer> RETRYABLE = Set.of(408, 429, 500, 502, 503, 504);

    /** One attempt; told its 0-based number. */
    @FunctionalInterface
    public interface Attempt<T> {
        T run(int attempt);
    }

    /** A failed attempt with what its error response said about retrying. */
    public static final class Failed extends RuntimeException {
        private final transient AbortableCalls.ErrorHints hints;

        public Failed(RuntimeException cause, AbortableCalls.ErrorHints hints) {
            super(cause.getMessage(), cause, false, false);
            this.hints = hints;
        }

        public RuntimeException failure() {
            return (RuntimeException) getCause();
        }

        public AbortableCalls.ErrorHints hints() {
            return hints;
        }
    }

    private final Settings settings;

    public RetryLoop(Settings settings) {
        this.settings = settings;
    }

    /**
     * Runs {@code attempt} until it succeeds, fails for good, or the signal aborts.
     *
     * @param mayRetry checked after a failure: false once a streamed attempt has delivered output
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
                RuntimeException failure = e instanceof Failed f ? f.failure() : e;
                AbortableCalls.ErrorHints hints = e instanceof Failed f ? f.hints() : AbortableCalls.ErrorHints.NONE;
                Optional<Duration> delay = n < settings.maxRetries() && mayRetry.getAsBoolean()
                        ? retryDelay(failure, hints, n) : Optional.empty();
                if (delay.isEmpty()) {
                    throw Errors.map(failure, hints, settings, n + 1);
                }
                sleep(delay.get(), abort, failure);
            }
        }
    }

    Optional<Duration> retryDelay(RuntimeException e, AbortableCalls.ErrorHints hints, int attempt) {
        if (e instanceof ApiException api) {
            if (!RETRYABLE.contains(api.code())) {
                return Optional.empty();
            }
            if (hints.retryDelay().isPresent()) {
                Duration asked = hints.retryDelay().get();
                return asked.compareTo(settings.maxRetryAfter()) <= 0 ? Optional.of(asked) : Optional.empty();
            }
            return Optional.of(backoff(attempt));
        }
        if (e instanceof GenAiIOException && !Errors.malformed(e)) {
            return Optional.of(backoff(attempt));
        }
        return Optional.empty();
    }

    static Duration backoff(int attempt) {
        double seconds = Math.min(Math.pow(2, attempt), 16.0);
        double jitter = 1.0 - 0.25 * ThreadLocalRandom.current().nextDouble();
        return Duration.ofNanos((long) (seconds * jitter * 1e9));
    }

    /** A {@code google.protobuf.Duration} in JSON ({@code "17s"}, {@code "0.250s"}); empty when it is not one. */
    static Optional<Duration> parseProtoDuration(String text) {
        if (text == null || !text.endsWith("s")) {
            return Optional.empty();
        }
        try {
            double seconds = Double.parseDouble(text.substring(0, text.length() - 1));
            return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofNanos((long) (seconds * 1e9)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** {@code Retry-After} in seconds or as an HTTP date; empty when absent or unreadable. */
    static Optional<Duration> parseRetryAfter(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String v = value.trim();
        try {
            double seconds = Double.parseDouble(v);
            return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofNanos((long) (seconds * 1e9)));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(ZonedDateTime.now(at.getZone()), at);
                return Optional.of(d.isNegative() ? Duration.ZERO : d);
            } catch (RuntimeException notDate) {
                return Optional.empty();
            }
        }
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
