package dev.cadre.openai;

import com.openai.models.responses.ResponseCreateParams;
import dev.cadre.model.AbortSignal;
import dev.cadre.model.Model;
import dev.cadre.model.ModelDelta;
import dev.cadre.model.ModelException;
import dev.cadre.model.ModelRequest;
import dev.cadre.model.ModelResponse;
import dev.cadre.openai.internal.ModelCalls;
import dev.cadre.openai.internal.ResponsesMapping;
import dev.cadre.openai.internal.Settings;
import dev.cadre.openai.internal.SettingsBuilder;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * An OpenAI model over the Responses API ({@code POST /responses}), on the official
 * {@code openai-java} SDK. Stateless: every call sends the whole conversation (system messages as
 * {@code instructions}), so nothing depends on responses stored at OpenAI.
 *
 * <pre>{@code
 * Model model = OpenAIResponses.of("gpt-5.2-mini");             // key from OPENAI_API_KEY
 * Model tuned = OpenAIResponses.builder().id("gpt-5.2-mini").temperature(0.2).maxRetries(4).build();
 * }</pre>
 *
 * <p><b>Threading.</b> Immutable and thread-safe; one instance may serve many runs at once. Calls
 * block the calling thread (a virtual thread in Cadre's engine) and deliver stream deltas on it.
 *
 * <p><b>Cancellation.</b> When the call's {@link AbortSignal} fires, the HTTP request is cancelled
 * at once: the socket is closed, no further tokens are read, and no retry starts. The call then
 * throws a {@link ModelException} of type {@code cancelled}.
 *
 * <p><b>Failures</b> throw {@link ModelException} with a message a user can act on and an
 * {@linkplain ModelException#errorType() error type}: {@code authentication_error} (no key, 401),
 * {@code model_not_found} (404), {@code rate_limit_error} (429 after retries), {@code server_error},
 * {@code connection_error}, {@code timeout_error}, {@code stream_error}, {@code malformed_response},
 * {@code incomplete_stream}.
 * 408, 409, 429, 5xx and connection failures are retried {@link Builder#maxRetries(int)} times with
 * exponential backoff that honours {@code Retry-After}.
 */
public final class OpenAIResponses implements Model {

    private final ModelCalls calls;

    private OpenAIResponses(Settings settings) {
        this.calls = new ModelCalls(settings);
    }

    /** The model {@code id} with every other option at its default (key and base URL from the environment). */
    public static OpenAIResponses of(String id) {
        return builder().id(id).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String id() {
        return calls.settings().id();
    }

    @Override
    public String provider() {
        return "OpenAI";
    }

    @Override
    public String name() {
        return "OpenAIResponses";
    }

    /** The API root this model calls, for example {@code https://api.openai.com/v1}. */
    public String baseUrl() {
        return calls.settings().baseUrl();
    }

    @Override
    public void stream(ModelRequest request, AbortSignal abort, Consumer<ModelDelta> deltas) {
        Objects.requireNonNull(deltas, "deltas");
        ResponseCreateParams base = ResponsesMapping.params(calls.settings(), request);
        ResponsesMapping.StreamState[] state = {null};
        calls.stream(abort,
                (header, key) -> calls.client().responses()
                        .createStreaming(base.toBuilder().putAdditionalHeader(header, key).build()),
                event -> state[0].handle(event),
                () -> state[0] = new ResponsesMapping.StreamState(deltas, baseUrl()),
                () -> state[0].end());
    }

    @Override
    public ModelResponse invoke(ModelRequest request, AbortSignal abort) {
        ResponseCreateParams base = ResponsesMapping.params(calls.settings(), request);
        return ResponsesMapping.response(calls.invoke(abort, (header, key) -> calls.client().responses()
                .create(base.toBuilder().putAdditionalHeader(header, key).build())));
    }

    @Override
    public String toString() {
        return "OpenAIResponses[" + id() + " @ " + baseUrl() + "]";
    }

    /** Options of an {@link OpenAIResponses}. Not thread-safe; {@link #build()} makes an immutable model. */
    public static final class Builder {
        private final SettingsBuilder s = new SettingsBuilder();

        private Builder() {
        }

        /** The model id, for example {@code gpt-5.2-mini}. Required. */
        public Builder id(String id) {
            s.id = Objects.requireNonNull(id, "id");
            return this;
        }

        /**
         * The API key. Default: {@code OPENAI_API_KEY}. Without one, calls to OpenAI fail with a clear
         * message; calls to any other base URL send a placeholder key, as local servers need none.
         */
        public Builder apiKey(String apiKey) {
            s.apiKey = Objects.requireNonNull(apiKey, "apiKey");
            return this;
        }

        /** The API root, for example {@code http://localhost:11434/v1}. Default: {@code OPENAI_BASE_URL}, else OpenAI. */
        public Builder baseUrl(String baseUrl) {
            s.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
            return this;
        }

        /** Sent as {@code OpenAI-Organization}. */
        public Builder organization(String organization) {
            s.organization = Objects.requireNonNull(organization, "organization");
            return this;
        }

        /** Sent as {@code OpenAI-Project}. */
        public Builder project(String project) {
            s.project = Objects.requireNonNull(project, "project");
            return this;
        }

        /** The longest one HTTP request may take, streaming included. Default: the SDK's (10 minutes). */
        public Builder timeout(Duration timeout) {
            s.timeout = SettingsBuilder.positive(timeout, "timeout");
            return this;
        }

        /** The longest connecting may take. Default: the SDK's. */
        public Builder connectTimeout(Duration timeout) {
            s.connectTimeout = SettingsBuilder.positive(timeout, "connectTimeout");
            return this;
        }

        /** How often a failed request is retried (408, 409, 429, 5xx, connection failures). Default 2. */
        public Builder maxRetries(int maxRetries) {
            if (maxRetries < 0) {
                throw new IllegalArgumentException("maxRetries must be >= 0");
            }
            s.maxRetries = maxRetries;
            return this;
        }

        /** The longest {@code Retry-After} that is waited for; a longer one fails at once. Default 60 s. */
        public Builder maxRetryAfter(Duration maxRetryAfter) {
            s.maxRetryAfter = SettingsBuilder.positive(maxRetryAfter, "maxRetryAfter");
            return this;
        }

        public Builder temperature(double temperature) {
            s.temperature = temperature;
            return this;
        }

        public Builder topP(double topP) {
            s.topP = topP;
            return this;
        }

        /** Sent as {@code max_output_tokens}. */
        public Builder maxOutputTokens(long maxOutputTokens) {
            s.maxOutputTokens = maxOutputTokens;
            return this;
        }

        /** For reasoning models, sent as {@code reasoning.effort}: {@code minimal}, {@code low}, {@code medium} or {@code high}. */
        public Builder reasoningEffort(String effort) {
            s.reasoningEffort = Objects.requireNonNull(effort, "effort");
            return this;
        }

        /** Whether the model may call several tools in one turn (sent only when tools are offered). */
        public Builder parallelToolCalls(boolean parallel) {
            s.parallelToolCalls = parallel;
            return this;
        }

        /** Sent as {@code safety_identifier}, an end-user id for abuse monitoring. */
        public Builder user(String user) {
            s.user = Objects.requireNonNull(user, "user");
            return this;
        }

        /** Reads environment variables through {@code env} instead of {@link System#getenv}; for tests. */
        Builder environment(UnaryOperator<String> env) {
            s.env = env;
            return this;
        }

        /** @throws NullPointerException when no {@link #id(String)} was given */
        public OpenAIResponses build() {
            return new OpenAIResponses(s.build());
        }
    }
}
