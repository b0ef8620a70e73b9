package dev.cadre.anthropic.internal;

import com.anthropic.client.AnthropicClient;
import com.anthropic.core.http.StreamResponse;
import dev.cadre.model.AbortSignal;
import dev.cadre.model.ModelException;
import java.util.Iterator;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * The SDK client of one model, with aborts and retries around each HTTP attempt and error mapping.
 * Thread-safe: the SDK client is, and every call keeps its own state. Not public API.
 */
public final class ModelCalls {

    /** Opens one attempt, given the name and value of the header that links it to its abort handle. */
    @FunctionalInterface
    public interface Open<T> extends BiFunction<String, String, T> {
    }

    /** Handles one streamed event; throws to fail the call. */
    @FunctionalInterface
    public interface EventHandler<E> {
        void handle(E event);
    }

    private final Settings settings;
    private final AbortableCalls calls = new AbortableCalls();
    private final AnthropicClient client;
    private final RetryLoop retry;

    public ModelCalls(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        // Without a key there is no client; every call then fails with a clear message instead of the model
        // failing to build at start-up.
        this.client = settings.apiKey().isPresent() ? SdkClient.create(settings, calls) : null;
        this.retry = new RetryLoop(settings);
    }

    public Settings settings() {
        return settings;
    }

    public AnthropicClient client() {
        if (client == null) {
            throw Errors.missingApiKey();
        }
        return client;
    }

    /** A non-streamed call, retried as needed; an abort closes the HTTP connection at once. */
    public <T> T invoke(AbortSignal abort, Open<T> call) {
        client();
        return retry.run(abort, attempt -> {
            try (AbortableCalls.InFlight f = calls.begin(abort)) {
                try {
                    return call.apply(f.header(), f.key());
                } catch (RuntimeException e) {
                    throw f.aborted() ? Errors.cancelled(e) : e;
                }
            }
        }, () -> true);
    }

    /**
     * A streamed call. Retried only while nothing has been handed on; an abort closes the connection at once
     * and ends the call with a "cancelled" {@link ModelException}.
     *
     * @param onStart called before the first event of each attempt, to reset per-attempt state
     * @param onEnd called after the last event; may throw to report an incomplete stream
     */
    public <E> void stream(AbortSignal abort, Open<StreamResponse<E>> open, EventHandler<E> handler,
            Runnable onStart, Runnable onEnd) {
        client();
        boolean[] delivered = {false};
        retry.run(abort, attempt -> {
            try (AbortableCalls.InFlight f = calls.begin(abort)) {
                try (StreamResponse<E> response = open.apply(f.header(), f.key())) {
                    onStart.run();
                    Iterator<E> events = response.stream().iterator();
                    while (events.hasNext()) {
                        E event = events.next();
                        if (f.aborted()) {
                            throw Errors.cancelled(null);
                        }
                        delivered[0] = true;
                        handler.handle(event);
                    }
                    if (f.aborted()) {
                        throw Errors.cancelled(null);
                    }
                    onEnd.run();
                    return null;
                } catch (ModelException e) {
                    throw e;
                } catch (RuntimeException e) {
                    if (f.aborted()) {
                        throw Errors.cancelled(e);
                    }
                    throw delivered[0] ? midStream(e) : e;
                }
            }
        }, () -> !delivered[0]);
    }

    private ModelException midStream(RuntimeException e) {
        ModelException mapped = Errors.map(e, settings, 1);
        if (mapped.errorType().equals("connection_error")) {
            return new ModelException("The connection to " + settings.baseUrl()
                    + " broke in the middle of the stream: " + rootMessage(e), "connection_error", e);
        }
        return mapped;
    }

    private static String rootMessage(Throwable e) {
        Throwable c = e;
        while (c.getCause() != null) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.toString() : c.getMessage();
    }
}
