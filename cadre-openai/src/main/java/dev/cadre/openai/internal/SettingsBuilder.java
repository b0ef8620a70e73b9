package dev.cadre.openai.internal;

import dev.cadre.model.support.ModelOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.function.UnaryOperator;

/** The mutable state behind the public model builders. Not public API. */
public final class SettingsBuilder {

    /** A placeholder key for OpenAI-compatible servers that need none (Ollama, vLLM, llama.cpp). */
    public static final String NO_KEY = "no-key";

    public String id;
    public String apiKey;
    public String baseUrl;
    public String organization;
    public String project;
    public Duration timeout;
    public Duration connectTimeout;
    public int maxRetries = ModelOptions.DEFAULT_MAX_RETRIES;
    public Duration maxRetryAfter = ModelOptions.DEFAULT_MAX_RETRY_AFTER;
    public Double temperature;
    public Double topP;
    public Long maxOutputTokens;
    public String reasoningEffort;
    public Boolean parallelToolCalls;
    public final List<String> stop = new ArrayList<>();
    public Long seed;
    public String user;
    /** Reads environment variables; replaceable in tests. */
    public UnaryOperator<String> env = System::getenv;

    public Settings build() {
        ModelOptions.requireId(id, "gpt-5.2-mini");
        String url = ModelOptions.firstSet(baseUrl, env.apply("OPENAI_BASE_URL"))
                .map(SettingsBuilder::stripTrailingSlash).orElse(Settings.OPENAI_BASE_URL);
        Optional<String> key = ModelOptions.firstSet(apiKey, env.apply("OPENAI_API_KEY"));
        if (key.isEmpty() && !url.startsWith("https://api.openai.com")) {
            // Local OpenAI-compatible servers usually ignore the key, but the SDK needs one.
            key = Optional.of(NO_KEY);
        }
        return new Settings(id, key, url, Optional.ofNullable(organization),
                Optional.ofNullable(project), Optional.ofNullable(timeout), Optional.ofNullable(connectTimeout),
                maxRetries, maxRetryAfter,
                temperature == null ? OptionalDouble.empty() : OptionalDouble.of(temperature),
                topP == null ? OptionalDouble.empty() : OptionalDouble.of(topP),
                maxOutputTokens == null ? OptionalLong.empty() : OptionalLong.of(maxOutputTokens),
                Optional.ofNullable(reasoningEffort), Optional.ofNullable(parallelToolCalls), stop,
                seed == null ? OptionalLong.empty() : OptionalLong.of(seed), Optional.ofNullable(user));
    }

    private static String stripTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
