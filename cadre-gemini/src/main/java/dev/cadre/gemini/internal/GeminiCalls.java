package dev.cadre.gemini.internal;

import com.google.genai.Client;
import com.google.genai.ResponseStream;
import com.google.genai.types.Content;
import com.google.genai.types.GenerateContentConfig;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.HttpOptions;
import dev.cadre.model.AbortSignal;
import dev.cadre.model.ModelException;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The SDK client of one model with aborts, retries and error mapping around each HTTP attempt. Thread-safe:
 * the SDK client is, and every call keeps its own state. Not public API.
 */
public final class GeminiCalls {

    private final Settings settings;
    private final AbortableCalls calls = new AbortableCalls();
    private final Client client;
    private final RetryLoop retry;
    private final ThoughtSignatures signatures;

    public GeminiCalls(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        // Without a key there is no client; every call then fails with a clear message instead of the model
        // failing to build at start-up.
        this.client = settings.apiKey().map(key -> SdkClient.create(settings, key, calls)).orElse(null);
        this.retry = new RetryLoop(settings);
        this.signatures = new ThoughtSignatures(settings.thoughtSignatureCapacity());
    }

    public Settings settings() {
        return settings;
    }

    public ThoughtSignatures signatures() {
        return signatures;
    }

    private Client client() {
        if (client == null) {
            throw Errors.missingApiKey();
        }
        return client;
    }

    /** A non-streamed call, retried as needed; an abort cancels the HTTP call at once. */
    public GenerateContentResponse invoke(AbortSignal abort, List<Content> contents, GenerateContentConfig config) {
        Client c = client();
        return retry.run(abort, attempt -> {
            try (AbortableCalls.InFlight f = calls.begin(abort)) {
                try {
                    return c.models.generateContent(settings.id(), contents, linked(config, f));
                } catch (RuntimeException e) {
                    throw f.aborted() ? Errors.cancelled(e) : new RetryLoop.Failed(e, f.hints());
                }
            }
        }, () -> true);
    }

    /**
     * A streamed call. Retried only while nothing has been handed on; an abort closes the connection at once
     * and ends the call with a "cancelled" {@link ModelException}.
     *
     * @param onStart called when an attempt's stream opens, before its first chunk
     * @param onEnd called after the last chunk; may throw to report an incomplete answer
     */
    public void stream(AbortSignal abort, List<Content> contents, GenerateContentConfig config,
            Consumer<GenerateContentResponse> handler, Runnable onStart, Runnable onEnd) {
        Client c = client();
        boolean[] delivered = {false};
        retry.run(abort, attempt -> {
            try (AbortableCalls.InFlight f = calls.begin(abort)) {
                try (ResponseStream<GenerateContentResponse> stream =
                        c.models.generateContentStream(settings.id(), contents, linked(config, f))) {
                    onStart.run();
                    Iterator<GenerateContentResponse> chunks = stream.iterator();
                    while (chunks.hasNext()) {
                        GenerateContentResponse chunk = chunks.next();
                        if (f.aborted()) {
                            throw Errors.cancelled(null);
                        }
                        delivered[0] = true;
                        handler.accept(chunk);
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
                    throw delivered[0] ? midStream(e, f) : new RetryLoop.Failed(e, f.hints());
                }
            }
        }, () -> !delivered[0]);
    }

    /** The config with the private header that links its request to {@code f}. */
    private static GenerateContentConfig linked(GenerateContentConfig config, AbortableCalls.InFlight f) {
        return config.toBuilder().httpOptions(HttpOptions.builder().headers(f.headers()).build()).build();
    }

    private ModelException midStream(RuntimeException e, AbortableCalls.InFlight f) {
        ModelException mapped = Errors.map(e, f.hints(), settings, 1);
        if (mapped.errorType().equals("connection_error")) {
            return new ModelException("The connection to " + settings.baseUrl()
                    + " broke in the middle of the stream: " + Errors.rootMessage(e), "connection_error", e);
        }
        return mapped;
    }
}
