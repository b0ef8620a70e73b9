package dev.cadre.model;

import java.util.function.Consumer;

/**
 * A language model that Cadre can drive: one request in, one assistant turn out.
 *
 * <p>The engine calls a model from a virtual thread — a dedicated one per call, or the run's own for a model
 * that is {@link #abortable()} — and may call the same instance from many threads at once, so
 * implementations must be thread-safe.
 *
 * <p><b>Aborting.</b> Every call gets an {@link AbortSignal}. An implementation registers an abort
 * handle with it ({@link AbortSignal#onAbort}) that closes the in-flight request — for an HTTP model,
 * the response stream and its socket — so that a cancelled run stops reading (and paying for)
 * tokens at once. After an abort the call may end by throwing any exception; the engine ignores the
 * outcome of an aborted call. The engine also interrupts the calling thread, which stops models that
 * only do blocking I/O, but a model that holds resources should not rely on that alone.
 *
 * <p><b>Errors.</b> A call that fails throws {@link ModelException} with a message a user can act
 * on (for example "the API key was rejected (HTTP 401): check OPENAI_API_KEY"). The run then ends
 * as {@code ERROR} with that message.
 */
public interface Model {

    /**
     * Whether an abort ends this model's calls at once: its abort handle closes the request, and the call then
     * returns or throws without waiting for the network (a retry's backoff included). The engine then calls the
     * model on the run's own thread, one thread hand-off less each way per request. A model that is not abortable
     * (the default) is called on a dedicated thread, which a cancel interrupts and leaves behind, so that the run
     * ends at once even if the call does not. Cadre's provider models are abortable.
     */
    default boolean abortable() {
        return false;
    }

    /** The provider's model id, for example {@code gpt-5.2-mini}. */
    String id();

    /** The provider's display name, for example {@code OpenAI}. */
    default String provider() {
        return "Unknown";
    }

    /**
     * The provider and API as a run's per-model metrics name them (Agno's {@code get_provider()}), for
     * example {@code OpenAI Responses} or {@code OpenAI Chat}; by default {@link #provider()}.
     */
    default String metricsProvider() {
        return provider();
    }

    /** The model class's name as shown in APIs, for example {@code OpenAIResponses}. */
    default String name() {
        return getClass().getSimpleName();
    }

    /**
     * Streams one assistant turn, handing each piece to {@code deltas} as it arrives, in order, on
     * the calling thread. Returns when the turn is complete.
     *
     * @throws ModelException when the request fails
     */
    void stream(ModelRequest request, AbortSignal abort, Consumer<ModelDelta> deltas);

    /**
     * Makes one non-streaming call and returns the whole assistant turn.
     *
     * @throws ModelException when the request fails
     */
    ModelResponse invoke(ModelRequest request, AbortSignal abort);
}
