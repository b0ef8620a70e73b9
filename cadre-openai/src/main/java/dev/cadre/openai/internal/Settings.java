package dev.cadre.openai.internal;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * The resolved configuration of an OpenAI model. Not public API.
 *
 * @param apiKey empty when none was given and none is in the environment
 * @param baseUrl the API root, for example {@code https://api.openai.com/v1}
 */
public record Settings(
        String id,
        Optional<String> apiKey,
        String baseUrl,
        Optional<String> organization,
        Optional<String> project,
        Optional<Duration> timeout,
        Optional<Duration> connectTimeout,
        int maxRetries,
        Duration maxRetryAfter,
        OptionalDouble temperature,
        OptionalDouble topP,
        OptionalLong maxOutputTokens,
        Optional<String> reasoningEffort,
        Optional<Boolean> parallelToolCalls,
        List<String> stop,
        OptionalLong seed,
        Optional<String> user) {

    public static final String OPENAI_BASE_URL = "https://api.openai.com/v1";

    public Settings {
        Objects.requireNonNull(id, "id");
        stop = List.copyOf(stop);
    }
}
