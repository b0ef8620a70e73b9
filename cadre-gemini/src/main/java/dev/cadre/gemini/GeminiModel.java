package dev.cadre.gemini;

import com.google.genai.types.Content;
import com.google.genai.types.GenerateContentConfig;
import dev.cadre.gemini.internal.GeminiCalls;
import dev.cadre.gemini.internal.RequestMapping;
import dev.cadre.gemini.internal.Settings;
import dev.cadre.gemini.internal.TurnReader;
import dev.cadre.model.AbortSignal;
import dev.cadre.model.Model;
import dev.cadre.model.ModelDelta;
import dev.cadre.model.ModelException;
import dev.cadre.model.ModelRequest;
import dev.cadre.model.ModelResponse;
import dev.cadre.model.ModelResponseAccumulator;
import dev.cadre.model.support.ModelOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A Google Gemini model over the Gemini API ({@code generateContent} and {@code streamGenerateContent}), on
 * the official Google Gen AI Java SDK ({@code com.google.genai}).
 *
 * <pre>{@code
 * Model model = GeminiModel.of("gemini-2.5-flash");                 // key from GEMINI_API_KEY
 * Model thinking = GeminiModel.builder().id("gemini-2.5-pro").thinkingBudget(2048).includeThoughts(true).build();
 * }</pre>
 *
 * <p><b>Threading.</b> Immutable and thread-safe; one instance may serve many runs at once. Calls block the
 * calling thread (a virtual thread in Cadre's engine) and deliver stream deltas on it, in order.
 *
 * <p><b>Cancellation.</b> When the call's {@link AbortSignal} fires, the HTTP request is cancelled at once:
 * the socket is closed, no further tokens are read, and no retry starts. The call then throws a
 * {@link ModelException} of type {@code cancelled}.
 *
 * <p><b>Failures</b> throw {@link ModelException} with a message a user can act on and an
 * {@linkplain ModelException#errorType() error type}: {@code authentication_error} (no key, a key Gemini
 * rejects), {@code permission_error}, {@code model_not_found}, {@code rate_limit_error} (429 after retries),
 * {@code invalid_request_error}, {@code server_error}, {@code connection_error}, {@code timeout_error},
 * {@code content_filter}, {@code malformed_response}, {@code incomplete_stream}. 408, 429, 500, 502, 503, 504
 * and connection failures are retried {@link Builder#maxRetries(int)} times, waiting as long as the error's
 * {@code RetryInfo} or {@code Retry-After} asks, else with exponential backoff.
 *
 * <p><b>Thought signatures.</b> Gemini 3 signs its function calls and must get the signatures back with the
 * calls in the next turn. Cadre's messages have no place for them, so each model instance remembers the
 * signatures of its recent calls in memory (a bounded map keyed by the call). A conversation continued by
 * another instance or process sends its earlier calls unsigned.
 *
 * <p><b>Structured output.</b> When the request has an {@link ModelRequest#outputSchema() output schema}, it is
 * sent as {@code responseJsonSchema} with {@code responseMimeType: application/json}; the JSON answer comes
 * back as the turn's text, which the engine parses and checks.
 */
public final class GeminiModel implements Model {

    private final GeminiCalls calls;

    private GeminiModel(Settings settings) {
        this.calls = new GeminiCalls(settings);
    }

    /** The model {@code id} with every other option at its default (the key from the environment). */
    public static GeminiModel of(String id) {
        return builder().id(id).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String id() {
        return calls.settings().id();
    }

    /** An abort cancels the HTTP call at once (its socket is closed), whatever phase it is in. */
    @Override
    public boolean abortable() {
        return true;
    }

    /** {@code Google}, as Agno names Gemini's provider. */
    @Override
    public String provider() {
        return "Google";
    }

    @Override
    public String name() {
        return "Gemini";
    }

    /** The API root this model calls, for example {@code https://generativelanguage.googleapis.com}. */
    public String baseUrl() {
        return calls.settings().baseUrl();
    }

    @Override
    public void stream(ModelRequest request, AbortSignal abort, Consumer<ModelDelta> deltas) {
        Objects.requireNonNull(deltas, "deltas");
        List<Content> contents = RequestMapping.contents(request, calls.signatures());
        GenerateContentConfig config = RequestMapping.config(calls.settings(), request);
        TurnReader[] reader = {null};
        calls.stream(abort, contents, config,
                chunk -> reader[0].read(chunk),
                () -> reader[0] = new TurnReader(baseUrl(), calls.signatures(), deltas),
                () -> reader[0].end());
    }

    @Override
    public ModelResponse invoke(ModelRequest request, AbortSignal abort) {
        List<Content> contents = RequestMapping.contents(request, calls.signatures());
        GenerateContentConfig config = RequestMapping.config(calls.settings(), request);
        ModelResponseAccumulator answer = new ModelResponseAccumulator();
        TurnReader reader = new TurnReader(baseUrl(), calls.signatures(), answer);
        reader.read(calls.invoke(abort, contents, config));
        reader.end();
        return answer.response();
    }

    @Override
    public String toString() {
        return "GeminiModel[" + id() + " @ " + baseUrl() + "]";
    }

    /** Options of a {@link GeminiModel}. Not thread-safe; {@link #build()} makes an immutable model. */
    public static final class Builder {
        private String id;
        private String apiKey;
        private String baseUrl;
        private Duration timeout;
        private Duration connectTimeout = Duration.ofSeconds(30);
        private int maxRetries = ModelOptions.DEFAULT_MAX_RETRIES;
        private Duration maxRetryAfter = ModelOptions.DEFAULT_MAX_RETRY_AFTER;
        private Double temperature;
        private Double topP;
        private Double topK;
        private Integer maxOutputTokens;
        private final List<String> stopSequences = new ArrayList<>();
        private Integer seed;
        private Integer thinkingBudget;
        private Boolean includeThoughts;
        private String thinkingLevel;
        private int thoughtSignatureCapacity = 1024;
        private UnaryOperator<String> env = System::getenv;

        private Builder() {
        }

        /** The model id, for example {@code gemini-2.5-flash}. Required. */
        public Builder id(String id) {
            this.id = Objects.requireNonNull(id, "id");
            return this;
        }

        /**
         * The API key. Default: {@code GEMINI_API_KEY}, else {@code GOOGLE_API_KEY}. Without one the model is
         * still built, and each call fails with a message saying how to set it.
         */
        public Builder apiKey(String apiKey) {
            this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
            return this;
        }

        /**
         * The API root without the version ({@code /v1beta} is added), for example a proxy's. Default:
         * {@code https://generativelanguage.googleapis.com}.
         */
        public Builder baseUrl(String baseUrl) {
            this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
            return this;
        }

        /** The longest one HTTP request may take, streaming included. Default: none. */
        public Builder timeout(Duration timeout) {
            this.timeout = ModelOptions.positive(timeout, "timeout");
            return this;
        }

        /** The longest connecting may take. Default 30 s. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = ModelOptions.positive(timeout, "connectTimeout");
            return this;
        }

        /** How often a failed request is retried (408, 429, 500, 502, 503, 504, connection failures). Default 2. */
        public Builder maxRetries(int maxRetries) {
            this.maxRetries = ModelOptions.maxRetries(maxRetries);
            return this;
        }

        /** The longest wait a server may ask for before a retry; a longer one fails at once. Default 60 s. */
        public Builder maxRetryAfter(Duration maxRetryAfter) {
            this.maxRetryAfter = ModelOptions.positive(maxRetryAfter, "maxRetryAfter");
            return this;
        }

        public Builder temperature(double temperature) {
            this.temperature = temperature;
            return this;
        }

        public Builder topP(double topP) {
            this.topP = topP;
            return this;
        }

        public Builder topK(double topK) {
            this.topK = topK;
            return this;
        }

        /** The most tokens the answer may have ({@code maxOutputTokens}). */
        public Builder maxOutputTokens(int maxOutputTokens) {
            if (maxOutputTokens < 1) {
                throw new IllegalArgumentException("maxOutputTokens must be >= 1");
            }
            this.maxOutputTokens = maxOutputTokens;
            return this;
        }

        /** Up to five sequences at which the model stops writing. */
        public Builder stopSequences(List<String> stop) {
            stopSequences.clear();
            stopSequences.addAll(stop);
            return this;
        }

        public Builder seed(int seed) {
            this.seed = seed;
            return this;
        }

        /**
         * For thinking models (Gemini 2.5), how many tokens the model may think: 0 turns thinking off where the
         * model allows it, -1 lets the model decide.
         */
        public Builder thinkingBudget(int tokens) {
            if (tokens < -1) {
                throw new IllegalArgumentException("thinkingBudget must be -1 (dynamic), 0 (off) or positive");
            }
            this.thinkingBudget = tokens;
            return this;
        }

        /** For Gemini 3, how hard the model thinks: {@code low} or {@code high} (the model's default). */
        public Builder thinkingLevel(String level) {
            this.thinkingLevel = Objects.requireNonNull(level, "level");
            return this;
        }

        /** Whether Gemini sends thought summaries; they arrive as the run's {@code reasoning_content}. */
        public Builder includeThoughts(boolean include) {
            this.includeThoughts = include;
            return this;
        }

        /** How many function calls' thought signatures are remembered for the next turn. Default 1024. */
        public Builder thoughtSignatureCapacity(int calls) {
            if (calls < 1) {
                throw new IllegalArgumentException("thoughtSignatureCapacity must be >= 1");
            }
            this.thoughtSignatureCapacity = calls;
            return this;
        }

        /** Reads environment variables through {@code env} instead of {@link System#getenv}; for tests. */
        Builder environment(UnaryOperator<String> env) {
            this.env = Objects.requireNonNull(env, "env");
            return this;
        }

        /**
         * @throws NullPointerException when no {@link #id(String)} was given
         * @throws IllegalArgumentException when the id is blank
         */
        public GeminiModel build() {
            ModelOptions.requireId(id, "gemini-2.5-flash");
            Optional<String> key = ModelOptions.firstSet(apiKey, env.apply("GEMINI_API_KEY"),
                    env.apply("GOOGLE_API_KEY"));
            String url = ModelOptions.firstSet(baseUrl).map(u -> u.replaceAll("/+$", ""))
                    .orElse(Settings.GEMINI_BASE_URL);
            return new GeminiModel(new Settings(id, key, url, Optional.ofNullable(timeout),
                    connectTimeout, maxRetries, maxRetryAfter, optional(temperature), optional(topP), optional(topK),
                    optional(maxOutputTokens), stopSequences, optional(seed), optional(thinkingBudget),
                    Optional.ofNullable(includeThoughts), Optional.ofNullable(thinkingLevel),
                    thoughtSignatureCapacity));
        }

        private static OptionalDouble optional(Double d) {
            return d == null ? OptionalDouble.empty() : OptionalDouble.of(d);
        }

        private static OptionalInt optional(Integer i) {
            return i == null ? OptionalInt.empty() : OptionalInt.of(i);
        }
    }
}
