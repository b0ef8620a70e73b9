package dev.cadre.model.support;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads the waits servers ask for in their response headers. Each method returns empty for a value it cannot
 * read, so that the caller falls back to its own backoff; none throws for bad input. Thread-safe.
 */
public final class RetryAfter {

    private RetryAfter() {
    }

    /**
     * A {@code Retry-After} value: seconds (fractions allowed) or an HTTP date. A date in the past is
     * {@link Duration#ZERO}; a negative number or anything else is empty.
     */
    public static Optional<Duration> parse(String value) {
        Objects.requireNonNull(value, "value");
        String v = value.trim();
        if (v.isEmpty()) {
            return Optional.empty();
        }
        try {
            return seconds(Double.parseDouble(v), 1e9);
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

    /** A {@code retry-after-ms} value, as the OpenAI and Anthropic APIs send it: milliseconds, fractions allowed. */
    public static Optional<Duration> parseMillis(String value) {
        Objects.requireNonNull(value, "value");
        try {
            return seconds(Double.parseDouble(value.trim()), 1e6);
        } catch (NumberFormatException notNumber) {
            return Optional.empty();
        }
    }

    private static Optional<Duration> seconds(double amount, double nanosPerUnit) {
        // NaN is neither negative nor a wait.
        return amount >= 0 ? Optional.of(Duration.ofNanos((long) (amount * nanosPerUnit))) : Optional.empty();
    }
}
