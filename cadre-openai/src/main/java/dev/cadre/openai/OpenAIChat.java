package dev.cadre.openai;

import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.cadre.model.AbortSignal;
import dev.cadre.model.Model;
import dev.cadre.model.ModelDelta;
import dev.cadre.model.ModelException;
import dev.cadre.model.ModelRequest;
import dev.cadre.model.ModelResponse;
import dev.cadre.openai.internal.ChatMapping;
import dev.cadre.openai.internal.ModelCalls;
import dev.cadre.openai.internal.Settings;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * An OpenAI model over the Chat Completions API ({@code POST /chat/completions}), on the official
 * {@code openai-java} SDK. Also the model to use for OpenAI-compatible servers (Ollama, vLLM,
 * llama.cpp server, LiteLLM): point {@link Builder#baseUrl(String)} at them.
 *
 * <pre>{@code
 * Model model = OpenAIChat.of("gpt-4o");                        // key from OPENAI_API_KEY
 * Model local = OpenAIChat.builder().id("llama3.2").baseUrl("http://localhost:11434/v1").build();
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
public final class OpenAIChat implements Model {

    private final ModelCalls calls;

    private OpenAIChat(Settings settings) {
        this.calls = new ModelCalls(settings);
    }

    /** The model {@code id} with every other option at its default (key and base URL from the environment). */
    public static OpenAIChat of(String id) {
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
        return "OpenAI";
    }

    @Override
    public String name() {
        return "OpenAIChat";
    }

    /** {@code OpenAI Chat}, as Agno names this API in a run's per-model metrics. */
    @Override
    public String metricsProvider() {
        return provider() + " Chat";
    }

    /** The API root this model calls, for example {@code https://api.openai.com/v1}. */
    public String baseUrl() {
        return calls.settings().baseUrl();
    }

    @Override
    public void stream(ModelRequest request, AbortSignal abort, Consumer<ModelDelta> deltas) {
        Objects.requireNonNull(deltas, "deltas");
        ChatCompletionCreateParams base = ChatMapping.params(calls.settings(), request, true);
        boolean[] finished = {false};
        boolean[] named = {false};
        calls.stream(abort,
                (header, key) -> calls.client().chat().completions()
                        .createStreaming(base.toBuilder().putAdditionalHeader(header, key).build()),
                chunk -> {
                    if (!named[0] && !ChatMapping.id(chunk::id).isEmpty()) {
                        named[0] = true;
                        deltas.accept(ChatMapping.providerData(chunk));
                    }
                    finished[0] |= ChatMapping.deliver(chunk, deltas);
                },
                () -> finished[0] = false,
                () -> {
                    if (!finished[0]) {
                        throw new ModelException("The stream from " + baseUrl()
                                + " ended before the answer was complete (no finish_reason).",
                                "incomplete_stream", null);
                    }
                });
    }

    @Override
    public ModelResponse invoke(ModelRequest request, AbortSignal abort) {
        ChatCompletionCreateParams base = ChatMapping.params(calls.settings(), request, false);
        return ChatMapping.response(calls.invoke(abort, (header, key) -> calls.client().chat().completions()
                .create(base.toBuilder().putAdditionalHeader(header, key).build())));
    }

    @Override
    public String toString() {
        return "OpenAIChat[" + id() + " @ " + baseUrl() + "]";
    }

    /** Options of an {@link OpenAIChat}. Not thread-safe; {@link #build()} makes an immutable model. */
    public static final class Builder extends OpenAIModelBuilder<Builder> {

        private Builder() {
        }

        /** Up to four sequences at which the model stops writing. */
        public Builder stop(List<String> stop) {
            s.stop.clear();
            s.stop.addAll(stop);
            return this;
        }

        /** Sent as {@code seed}; OpenAI deprecated it, compatible servers still use it. */
        public Builder seed(long seed) {
            s.seed = seed;
            return this;
        }

        /** @throws NullPointerException when no {@link #id(String)} was given */
        public OpenAIChat build() {
            return new OpenAIChat(s.build());
        }
    }
}
