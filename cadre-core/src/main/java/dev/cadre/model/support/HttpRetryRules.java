package dev.cadre.model.support;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The retry rules of HTTP APIs in the style of OpenAI's and Anthropic's (and of their SDKs): retry 408, 409, 429
 * and 5xx unless the response says {@code x-should-retry: false} (and any status when it says {@code true}); wait
 * what {@code retry-after-ms}, else {@code retry-after}, asks for, else the backoff. A server asking for a longer
 * wait than {@code maxRetryAfter} is not retried. Connection failures, which have no status, are the model's to
 * retry (with {@link #backoff()}).
 *
 * @param backoff the wait when the server names none
 * @param maxRetryAfter the longest wait a server may ask for; positive
 */
public record HttpRetryRules(Backoff backoff, Duration maxRetryAfter) {

    public HttpRetryRules {
        Objects.requireNonNull(backoff, "backoff");
        ModelOptions.positive(maxRetryAfter, "maxRetryAfter");
    }

    /**
     * The wait before retrying a failed response, or empty not to retry it. Thread-safe.
     *
     * @param status the response's HTTP status
     * @param header the response's first value of a header (by name, case as the client treats it), if any
     * @param attempt the 0-based number of the attempt that failed
     */
    public Optional<Duration> retryDelay(int status, Function<String, Optional<String>> header, int attempt) {
        Optional<String> shouldRetry = header.apply("x-should-retry").map(String::trim);
        if (shouldRetry.filter("false"::equals).isPresent()) {
            return Optional.empty();
        }
        boolean retryable = shouldRetry.filter("true"::equals).isPresent() || status == 408 || status == 409
                || status == 429 || status >= 500;
        if (!retryable) {
            return Optional.empty();
        }
        Optional<Duration> asked = header.apply("retry-after-ms").flatMap(RetryAfter::parseMillis)
                .or(() -> header.apply("retry-after").flatMap(RetryAfter::parse));
        if (asked.isPresent()) {
            return asked.get().compareTo(maxRetryAfter) <= 0 ? asked : Optional.empty();
        }
        return Optional.of(backoff.delay(attempt));
    }
}
