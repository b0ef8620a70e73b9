package dev.cadre.openai.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
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
    public int maxRetries = 2;
    public Duration maxRetryAfter = Duration.ofSeconds(60);
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
        Objects.requireNonNull(id, "id: the model id, for example gpt-5.2-mini");
        if (id.isBlank()) {
            throw new IllegalArgumentException("id must not be blank");
        }
        String url = firstNonBlank(baseUrl, env.apply("OPENAI_BASE_URL"));
        url = url == null ? Settings.OPENAI_BASE_URL : stripTrailingSlash(url);
        String key = firstNonBlank(apiKey, env.apply("OPENAI_API_KEY"));
        if (key == null && !url.startsWith("https://api.openai.com")) {
            // Local OpenAI-compatible servers usually ignore the key, but the SDK needs one.
            key = NO_KEY;
        }
        return new Settings(id, Optional.ofNullable(key), url, Optional.ofNullable(organization),
                Optional.ofNullable(project), Optional.ofNullable(timeout), Optional.ofNullable(connectTimeout),
                maxRetries, maxRetryAfter,
                temperature == null ? OptionalDouble.empty() : OptionalDouble.of(temperature),
                topP == null ? OptionalDouble.empty() : OptionalDouble.of(topP),
                maxOutputTokens == null ? OptionalLong.empty() : OptionalLong.of(maxOutputTokens),
                Optional.ofNullable(reasoningEffort), Optional.ofNullable(parallelToolCalls), stop,
                seed == null ? OptionalLong.empty() : OptionalLong.of(seed), Optional.ofNullable(user));
    }

    public static Duration positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
        return d;
    }

    private static String firstNonBlank(String a, String b) {
        if (a != null && !a.isBlank()) {
            return a;
        }
        return b != null && !b.isBlank() ? b : null;
    }

    private static String stripTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
