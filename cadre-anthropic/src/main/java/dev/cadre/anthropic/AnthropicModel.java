package dev.cadre.anthropic;

import com.anthropic.models.messages.MessageCreateParams;
import dev.cadre.anthropic.internal.ModelCalls;
import dev.cadre.anthropic.internal.OutputTool;
import dev.cadre.anthropic.internal.RequestMapping;
import dev.cadre.anthropic.internal.ResponseMapping;
import dev.cadre.anthropic.internal.Settings;
import dev.cadre.anthropic.internal.StreamTurn;
import dev.cadre.anthropic.internal.ThinkingCache;
import dev.cadre.model.AbortSignal;
import dev.cadre.model.Model;
import dev.cadre.model.ModelDelta;
import dev.cadre.model.ModelException;
import dev.cadre.model.ModelRequest;
import dev.cadre.model.ModelResponse;
import dev.cadre.model.support.ModelOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Anthropic's Claude over the Messages API ({@code POST /v1/messages}), on the official {@code anthropic-java}
 * SDK.
 *
 * <pre>{@code
 * Model claude = AnthropicModel.of("claude-sonnet-4-5");                 // key from ANTHROPIC_API_KEY
 * Model thinker = AnthropicModel.builder().id("claude-sonnet-4-5").maxTokens(16_000).thinkingBudget(8_000).build();
 * }</pre>
 *
 * <p><b>Threading.</b> Immutable and thread-safe; one instance may serve many runs at once. Calls block the
 * calling thread (a virtual thread in Cadre's engine) and deliver stream deltas on it, in order.
 *
 * <p><b>Cancellation.</b> When the call's {@link AbortSignal} fires, the HTTP connection is closed at once,
 * whether the call is connecting, waiting for the answer or reading the stream; no further tokens are read
 * and no retry starts. The call then throws a {@link ModelException} of type {@code cancelled}.
 *
 * <p><b>Failures</b> throw {@link ModelException} with a message a user can act on and an
 * {@linkplain ModelException#errorType() error type}: {@code authentication_error} (no key, 401),
 * {@code permission_error} (403), {@code model_not_found} (404), {@code invalid_request_error} (400),
 * {@code rate_limit_error} (429 after retries), {@code overloaded_error} (529 after retries),
 * {@code server_error}, {@code connection_error}, {@code timeout_error}, {@code stream_error},
 * {@code malformed_response}, {@code incomplete_stream}. 408, 409, 429, 5xx (529 included) and connection
 * failures are retried {@link Builder#maxRetries(int)} times, honouring {@code retry-after}.
 *
 * <p><b>Extended thinking</b> ({@link Builder#thinkingBudget(long)}) is streamed as
 * {@link ModelDelta.Reasoning} and returned as {@link ModelResponse#reasoningContent()}. Anthropic wants a
 * tool-calling turn's thinking blocks sent back with the tool results; Cadre's messages have no place for
 * them, so this model keeps them in a bounded in-memory map by tool_use id. When they are missing (the run
 * resumed in another process, say), that continuation is sent without extended thinking instead of failing.
 *
 * <p><b>Structured output.</b> A request with an {@link ModelRequest#outputSchema() output schema} offers a
 * synthetic tool with that schema (forced when the request has no other tools and thinking is off; else the
 * system prompt tells the model to call it). Its input JSON comes back as the turn's text, never as a tool
 * call.
 */
public final class AnthropicModel implements Model {

    /** How many tool-calling turns' thinking blocks a model instance keeps. */
    private static final int THINKING_CACHE_SIZE = 1024;

    private final ModelCalls calls;
    private final ThinkingCache thinking = new ThinkingCache(THINKING_CACHE_SIZE);

    private AnthropicModel(Settings settings) {
        this.calls = new ModelCalls(settings);
    }

    /** The model {@code id} with every other option at its default (key and base URL from the environment). */
    public static AnthropicModel of(String id) {
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

    @Override
    public String provider() {
        return "Anthropic";
    }

    /** {@code Claude}, as Agno names its Anthropic model class. */
    @Override
    public String name() {
        return "Claude";
    }

    /** The API root this model calls, for example {@code https://api.anthropic.com}. */
    public String baseUrl() {
        return calls.settings().baseUrl();
    }

    @Override
    public void stream(ModelRequest request, AbortSignal abort, Consumer<ModelDelta> deltas) {
        Objects.requireNonNull(deltas, "deltas");
        Optional<OutputTool> output = RequestMapping.outputTool(request);
        MessageCreateParams base = RequestMapping.params(calls.settings(), thinking, request, output);
        StreamTurn[] turn = {null};
        calls.stream(abort,
                (header, key) -> calls.client().messages()
                        .createStreaming(base.toBuilder().putAdditionalHeader(header, key).build()),
                event -> turn[0].handle(event),
                () -> turn[0] = new StreamTurn(deltas, output, thinking, baseUrl()),
                () -> turn[0].end());
    }

    @Override
    public ModelResponse invoke(ModelRequest request, AbortSignal abort) {
        Optional<OutputTool> output = RequestMapping.outputTool(request);
        MessageCreateParams base = RequestMapping.params(calls.settings(), thinking, request, output);
        return ResponseMapping.response(calls.invoke(abort, (header, key) -> calls.client().messages()
                .create(base.toBuilder().putAdditionalHeader(header, key).build())), output, thinking);
    }

    @Override
    public String toString() {
        return "AnthropicModel[" + id() + " @ " + baseUrl() + "]";
    }

    /** Options of an {@link AnthropicModel}. Not thread-safe; {@link #build()} makes an immutable model. */
    public static final class Builder {

        private String id;
        private String apiKey;
        private String baseUrl;
        private long maxTokens = 8192;
        private Double temperature;
        private Double topP;
        private Long topK;
        private Long thinkingBudget;
        private final List<String> stopSequences = new ArrayList<>();
        private Duration timeout;
        private Duration connectTimeout;
        private int maxRetries = ModelOptions.DEFAULT_MAX_RETRIES;
        private Duration maxRetryAfter = ModelOptions.DEFAULT_MAX_RETRY_AFTER;
        private UnaryOperator<String> env = System::getenv;

        private Builder() {
        }

        /** The model id, for example {@code claude-sonnet-4-5}. Required. */
        public Builder id(String id) {
            this.id = Objects.requireNonNull(id, "id");
            return this;
        }

        /** The API key. Default: {@code ANTHROPIC_API_KEY}. Without one, every call fails with a clear message. */
        public Builder apiKey(String apiKey) {
            this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
            return this;
        }

        /**
         * The API root, without {@code /v1}. Default: {@code ANTHROPIC_BASE_URL}, else
         * {@code https://api.anthropic.com}.
         */
        public Builder baseUrl(String baseUrl) {
            this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
            return this;
        }

        /**
         * The most tokens one answer may have, thinking included ({@code max_tokens}, which Anthropic requires).
         * Default 8192.
         */
        public Builder maxTokens(long maxTokens) {
            if (maxTokens < 1) {
                throw new IllegalArgumentException("maxTokens must be >= 1: " + maxTokens);
            }
            this.maxTokens = maxTokens;
            return this;
        }

        /** Sampling temperature, 0 to 1. Not allowed together with extended thinking. */
        public Builder temperature(double temperature) {
            if (temperature < 0 || temperature > 1) {
                throw new IllegalArgumentException("temperature must be between 0 and 1: " + temperature);
            }
            this.temperature = temperature;
            return this;
        }

        public Builder topP(double topP) {
            this.topP = topP;
            return this;
        }

        public Builder topK(long topK) {
            this.topK = topK;
            return this;
        }

        /**
         * Turns on extended thinking with this budget in tokens (at least 1024, less than
         * {@link #maxTokens(long)}). The thinking is streamed as reasoning, apart from the answer.
         */
        public Builder thinkingBudget(long budgetTokens) {
            if (budgetTokens < 1024) {
                throw new IllegalArgumentException("thinkingBudget must be at least 1024 tokens: " + budgetTokens);
            }
            this.thinkingBudget = budgetTokens;
            return this;
        }

        /** Sequences at which the model stops writing. */
        public Builder stopSequences(List<String> stop) {
            stopSequences.clear();
            stopSequences.addAll(stop);
            return this;
        }

        /** The longest one HTTP request may take, streaming included. Default: the SDK's (10 minutes). */
        public Builder timeout(Duration timeout) {
            this.timeout = ModelOptions.positive(timeout, "timeout");
            return this;
        }

        /** The longest connecting may take. Default: the SDK's. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = ModelOptions.positive(timeout, "connectTimeout");
            return this;
        }

        /** How often a failed request is retried (408, 409, 429, 5xx and 529, connection failures). Default 2. */
        public Builder maxRetries(int maxRetries) {
            this.maxRetries = ModelOptions.maxRetries(maxRetries);
            return this;
        }

        /** The longest {@code retry-after} that is waited for; a longer one fails at once. Default 60 s. */
        public Builder maxRetryAfter(Duration maxRetryAfter) {
            this.maxRetryAfter = ModelOptions.positive(maxRetryAfter, "maxRetryAfter");
            return this;
        }

        /** Reads environment variables through {@code env} instead of {@link System#getenv}; for tests. */
        Builder environment(UnaryOperator<String> env) {
            this.env = Objects.requireNonNull(env, "env");
            return this;
        }

        /**
         * @throws NullPointerException when no {@link #id(String)} was given
         * @throws IllegalArgumentException when the options contradict each other (a thinking budget not below
         *     maxTokens, a temperature with extended thinking)
         */
        public AnthropicModel build() {
            ModelOptions.requireId(id, "claude-sonnet-4-5");
            if (thinkingBudget != null && thinkingBudget >= maxTokens) {
                throw new IllegalArgumentException("thinkingBudget (" + thinkingBudget
                        + ") must be less than maxTokens (" + maxTokens + "): raise maxTokens(...)");
            }
            if (thinkingBudget != null && temperature != null) {
                throw new IllegalArgumentException("Anthropic does not accept a temperature with extended thinking:"
                        + " drop temperature(...) or thinkingBudget(...)");
            }
            String url = ModelOptions.firstSet(baseUrl, env.apply("ANTHROPIC_BASE_URL"))
                    .map(u -> u.replaceAll("/+$", "")).orElse(Settings.ANTHROPIC_BASE_URL);
            Optional<String> key = ModelOptions.firstSet(apiKey, env.apply("ANTHROPIC_API_KEY"));
            return new AnthropicModel(new Settings(id, key, url, maxTokens,
                    temperature == null ? OptionalDouble.empty() : OptionalDouble.of(temperature),
                    topP == null ? OptionalDouble.empty() : OptionalDouble.of(topP),
                    topK == null ? OptionalLong.empty() : OptionalLong.of(topK),
                    thinkingBudget == null ? OptionalLong.empty() : OptionalLong.of(thinkingBudget),
                    stopSequences, Optional.ofNullable(timeout), Optional.ofNullable(connectTimeout), maxRetries,
                    maxRetryAfter));
        }
    }
}
