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
import java.util.Objects;
import java.util.function.Consumer;

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
        return "OpenAIResponses";
    }

    /** {@code OpenAI Responses}, as Agno names this API in a run's per-model metrics. */
    @Override
    public String metricsProvider() {
        return provider() + " Responses";
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
    public static final class Builder extends OpenAIModelBuilder<Builder> {

        private Builder() {
        }

        /** @throws NullPointerException when no {@link #id(String)} was given */
        public OpenAIResponses build() {
            return new OpenAIResponses(s.build());
        }
    }
}
