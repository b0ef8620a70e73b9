package dev.cadre.anthropic.internal;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * The resolved configuration of an Anthropic model. Not public API.
 *
 * @param apiKey empty when none was given and none is in the environment
 * @param baseUrl the API root without {@code /v1}, for example {@code https://api.anthropic.com}
 * @param thinkingBudget the extended-thinking budget in tokens; empty for no extended thinking
 */
public record Settings(
        String id,
        Optional<String> apiKey,
        String baseUrl,
        long maxTokens,
        OptionalDouble temperature,
        OptionalDouble topP,
        OptionalLong topK,
        OptionalLong thinkingBudget,
        List<String> stopSequences,
        Optional<Duration> timeout,
        Optional<Duration> connectTimeout,
        int maxRetries,
        Duration maxRetryAfter) {

    public static final String ANTHROPIC_BASE_URL = "https://api.anthropic.com";

    public Settings {
        Objects.requireNonNull(id, "id");
        stopSequences = List.copyOf(stopSequences);
    }
}
