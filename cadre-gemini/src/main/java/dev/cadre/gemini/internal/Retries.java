package dev.cadre.gemini.internal;

import com.google.genai.errors.ApiException;
import com.google.genai.errors.GenAiIOException;
import dev.cadre.model.ModelException;
import dev.cadre.model.support.Backoff;
import dev.cadre.model.support.RetryAfter;
import dev.cadre.model.support.RetryPolicy;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * When Cadre's retry loop retries a Gemini call (the SDK's {@code RetryInterceptor} runs with one attempt: its
 * loop sleeps inside OkHttp and would start a new request after a cancelled one). Retries what Google's APIs
 * call transient — 408, 429, 500, 502, 503, 504 — and connection failures; the wait is the error's
 * {@code RetryInfo.retryDelay}, else its {@code Retry-After}, else an exponential backoff from 1 s to 16 s with
 * jitter. A server asking for a longer wait than {@code maxRetryAfter} is not retried. Not public API.
 */
public final class Retries implements RetryPolicy {

    private static final Set<Integer> RETRYABLE = Set.of(408, 429, 500, 502, 503, 504);
    private static final Backoff BACKOFF = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(16));

    /**
     * A failed attempt with what its error response said about retrying: the SDK's exception keeps neither,
     * so the attempt hands them on to the policy in this wrapper.
     */
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

    public Retries(Settings settings) {
        this.settings = settings;
    }

    @Override
    public Optional<Duration> retryDelay(RuntimeException failed, int attempt) {
        RuntimeException e = failed instanceof Failed f ? f.failure() : failed;
        if (e instanceof ApiException api) {
            if (!RETRYABLE.contains(api.code())) {
                return Optional.empty();
            }
            Optional<Duration> asked = hints(failed).retryDelay();
            if (asked.isPresent()) {
                return asked.get().compareTo(settings.maxRetryAfter()) <= 0 ? asked : Optional.empty();
            }
            return Optional.of(BACKOFF.delay(attempt));
        }
        if (e instanceof GenAiIOException && !Errors.malformed(e)) {
            return Optional.of(BACKOFF.delay(attempt));
        }
        return Optional.empty();
    }

    @Override
    public ModelException giveUp(RuntimeException failed, int attempts) {
        RuntimeException e = failed instanceof Failed f ? f.failure() : failed;
        return Errors.map(e, hints(failed), settings, attempts);
    }

    private static AbortableCalls.ErrorHints hints(RuntimeException failed) {
        return failed instanceof Failed f ? f.hints() : AbortableCalls.ErrorHints.NONE;
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
        return value == null ? Optional.empty() : RetryAfter.parse(value);
    }
}
