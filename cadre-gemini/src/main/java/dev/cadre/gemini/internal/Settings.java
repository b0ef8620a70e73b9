package dev.cadre.gemini.internal;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * The resolved configuration of a Gemini model. Not public API.
 *
 * @param apiKey empty when none was given and none is in the environment
 * @param baseUrl the API root without the version, for example {@code https://generativelanguage.googleapis.com}
 */
public record Settings(
        String id,
        Optional<String> apiKey,
        String baseUrl,
        Optional<Duration> timeout,
        Duration connectTimeout,
        int maxRetries,
        Duration maxRetryAfter,
        OptionalDouble temperature,
        OptionalDouble topP,
        OptionalDouble topK,
        OptionalInt maxOutputTokens,
        List<String> stopSequences,
        OptionalInt seed,
        OptionalInt thinkingBudget,
        Optional<Boolean> includeThoughts,
        Optional<String> thinkingLevel,
        int thoughtSignatureCapacity) {

    public static final String GEMINI_BASE_URL = "https://generativelanguage.googleapis.com";

    public Settings {
        Objects.requireNonNull(id, "id");
        stopSequences = List.copyOf(stopSequences);
    }
}
