package dev.cadre.openai;

import dev.cadre.model.support.ModelOptions;
import dev.cadre.openai.internal.SettingsBuilder;
import java.time.Duration;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The options {@link OpenAIResponses} and {@link OpenAIChat} share. Not thread-safe; {@code build()}
 * makes an immutable model.
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract sealed class OpenAIModelBuilder<B extends OpenAIModelBuilder<B>>
        permits OpenAIResponses.Builder, OpenAIChat.Builder {

    final SettingsBuilder s = new SettingsBuilder();

    OpenAIModelBuilder() {
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** The model id, for example {@code gpt-5.2-mini}. Required. */
    public B id(String id) {
        s.id = Objects.requireNonNull(id, "id");
        return self();
    }

    /**
     * The API key. Default: {@code OPENAI_API_KEY}. Without one, calls to OpenAI fail with a clear
     * message; calls to any other base URL send a placeholder key, as local servers need none.
     */
    public B apiKey(String apiKey) {
        s.apiKey = Objects.requireNonNull(apiKey, "apiKey");
        return self();
    }

    /** The API root, for example {@code http://localhost:11434/v1}. Default: {@code OPENAI_BASE_URL}, else OpenAI. */
    public B baseUrl(String baseUrl) {
        s.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
        return self();
    }

    /** Sent as {@code OpenAI-Organization}. */
    public B organization(String organization) {
        s.organization = Objects.requireNonNull(organization, "organization");
        return self();
    }

    /** Sent as {@code OpenAI-Project}. */
    public B project(String project) {
        s.project = Objects.requireNonNull(project, "project");
        return self();
    }

    /** The longest one HTTP request may take, streaming included. Default: the SDK's (10 minutes). */
    public B timeout(Duration timeout) {
        s.timeout = ModelOptions.positive(timeout, "timeout");
        return self();
    }

    /** The longest connecting may take. Default: the SDK's. */
    public B connectTimeout(Duration timeout) {
        s.connectTimeout = ModelOptions.positive(timeout, "connectTimeout");
        return self();
    }

    /** How often a failed request is retried (408, 409, 429, 5xx, connection failures). Default 2. */
    public B maxRetries(int maxRetries) {
        s.maxRetries = ModelOptions.maxRetries(maxRetries);
        return self();
    }

    /** The longest {@code Retry-After} that is waited for; a longer one fails at once. Default 60 s. */
    public B maxRetryAfter(Duration maxRetryAfter) {
        s.maxRetryAfter = ModelOptions.positive(maxRetryAfter, "maxRetryAfter");
        return self();
    }

    public B temperature(double temperature) {
        s.temperature = temperature;
        return self();
    }

    public B topP(double topP) {
        s.topP = topP;
        return self();
    }

    /** The most tokens the answer may have ({@code max_output_tokens} / {@code max_completion_tokens}). */
    public B maxOutputTokens(long maxOutputTokens) {
        s.maxOutputTokens = maxOutputTokens;
        return self();
    }

    /** For reasoning models, the reasoning effort: {@code minimal}, {@code low}, {@code medium} or {@code high}. */
    public B reasoningEffort(String effort) {
        s.reasoningEffort = Objects.requireNonNull(effort, "effort");
        return self();
    }

    /** Whether the model may call several tools in one turn (sent only when tools are offered). */
    public B parallelToolCalls(boolean parallel) {
        s.parallelToolCalls = parallel;
        return self();
    }

    /** An end-user id for abuse monitoring. */
    public B user(String user) {
        s.user = Objects.requireNonNull(user, "user");
        return self();
    }

    /** Reads environment variables through {@code env} instead of {@link System#getenv}; for tests. */
    B environment(UnaryOperator<String> env) {
        s.env = env;
        return self();
    }

}
