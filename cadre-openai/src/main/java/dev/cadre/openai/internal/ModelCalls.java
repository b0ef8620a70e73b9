package dev.cadre.openai.internal;

import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import dev.cadre.model.AbortSignal;
import dev.cadre.model.ModelException;
import dev.cadre.model.support.ModelCallRunner;
import dev.cadre.model.support.ModelFailures;
import dev.cadre.model.support.RetryLoop;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * What both OpenAI models share: the SDK client, aborts and retries around each HTTP attempt (Cadre's
 * {@link ModelCallRunner}), error mapping. Thread-safe: the SDK client is, and every call keeps its own state.
 * Not public API.
 */
public final class ModelCalls {

    /** Opens one attempt, given the name and value of the header that links it to its abort handle. */
    @FunctionalInterface
    public interface Open<T> extends BiFunction<String, String, T> {
    }

    private final Settings settings;
    private final AbortableCalls calls = new AbortableCalls();
    private final OpenAIClient client;
    private final ModelCallRunner<AbortableCalls.InFlight> runner;

    public ModelCalls(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        // Without a key there is no client; every call then fails with a clear message instead of
        // the model failing to build at start-up.
        this.client = settings.apiKey().isPresent() ? SdkClient.create(settings, calls) : null;
        this.runner = new ModelCallRunner<>(new RetryLoop(settings.maxRetries(), new Retries(settings)),
                ModelCallRunner.Attempts.of(calls::begin, (e, attempt) ->
                        ModelFailures.brokenStream(Errors.map(e, settings, 1), e, settings.baseUrl())));
    }

    public Settings settings() {
        return settings;
    }

    public OpenAIClient client() {
        if (client == null) {
            throw Errors.missingApiKey();
        }
        return client;
    }

    /** A non-streamed call, retried as needed; an abort cancels the HTTP call at once. */
    public <T> T invoke(AbortSignal abort, Open<T> call) {
        client();
        return runner.invoke(abort, f -> call.apply(f.header(), f.key()));
    }

    /**
     * A streamed call. Retried only while nothing has been handed on; an abort closes the
     * connection at once and ends the call with a "cancelled" {@link ModelException}.
     *
     * @param onEnd called after the last event; may throw to report an incomplete stream
     */
    public <E> void stream(AbortSignal abort, Open<StreamResponse<E>> open, ModelCallRunner.EventHandler<E> handler,
            Runnable onStart, Runnable onEnd) {
        client();
        runner.stream(abort, f -> {
            StreamResponse<E> response = open.apply(f.header(), f.key());
            return ModelCallRunner.EventStream.of(() -> response.stream().iterator(), response::close);
        }, handler, onStart, onEnd);
    }
}
