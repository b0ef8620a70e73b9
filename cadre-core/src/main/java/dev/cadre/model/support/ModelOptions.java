package dev.cadre.model.support;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The checks and defaults a model builder applies to the options every HTTP model has: its id, timeouts,
 * retries. Each check throws at once with a message naming the option, so that a bad value fails where it is
 * set, not at the first call. Thread-safe; every method is pure.
 */
public final class ModelOptions {

    /** How often a failed request is retried unless the builder is told otherwise. */
    public static final int DEFAULT_MAX_RETRIES = 2;

    /** The longest wait a server may ask for before a retry unless the builder is told otherwise. */
    public static final Duration DEFAULT_MAX_RETRY_AFTER = Duration.ofSeconds(60);

    private ModelOptions() {
    }

    /**
     * Checks a model id.
     *
     * @param example an id of the provider's, for the message when none is given
     * @throws NullPointerException when {@code id} is null, naming {@code example}
     * @throws IllegalArgumentException when {@code id} is blank
     */
    public static String requireId(String id, String example) {
        Objects.requireNonNull(id, () -> "id: the model id, for example " + example);
        if (id.isBlank()) {
            throw new IllegalArgumentException("id must not be blank");
        }
        return id;
    }

    /**
     * Checks a timeout or wait option.
     *
     * @param name the option's name, for the message
     * @throws NullPointerException when {@code d} is null
     * @throws IllegalArgumentException when {@code d} is zero or negative
     */
    public static Duration positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
        return d;
    }

    /**
     * Checks the {@code maxRetries} option; 0 means one attempt only.
     *
     * @throws IllegalArgumentException when {@code maxRetries} is negative
     */
    public static int maxRetries(int maxRetries) {
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must be >= 0");
        }
        return maxRetries;
    }

    /**
     * The first value that is set and not blank, for an option that falls back on environment variables: the
     * builder's value first, then each variable in turn. A {@code null} counts as unset, so that what
     * {@link System#getenv(String)} returns can be passed as it is.
     */
    public static Optional<String> firstSet(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }
}
