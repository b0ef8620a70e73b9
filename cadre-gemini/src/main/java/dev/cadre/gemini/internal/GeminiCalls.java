package dev.cadre.gemini.internal;

import com.google.genai.Client;
import com.google.genai.ResponseStream;
import com.google.genai.types.Content;
import com.google.genai.types.GenerateContentConfig;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.HttpOptions;
import dev.cadre.model.AbortSignal;
import dev.cadre.model.ModelException;
import dev.cadre.model.support.ModelCallRunner;
import dev.cadre.model.support.ModelFailures;
import dev.cadre.model.support.RetryLoop;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The SDK client of one model with aborts, retries and error mapping around each HTTP attempt (Cadre's
 * {@link ModelCallRunner}). Thread-safe: the SDK client is, and every call keeps its own state. Not public API.
 */
public final class GeminiCalls {

    private final Settings settings;
    private final AbortableCalls calls = new AbortableCalls();
    private final Client client;
    private final ModelCallRunner<AbortableCalls.InFlight> runner;
    private final ThoughtSignatures signatures;

    public GeminiCalls(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        // Without a key there is no client; every call then fails with a clear message instead of the model
        // failing to build at start-up.
        this.client = settings.apiKey().map(key -> SdkClient.create(settings, key, calls)).orElse(null);
        this.runner = new ModelCallRunner<>(new RetryLoop(settings.maxRetries(), new Retries(settings)),
                new ModelCallRunner.Attempts<>() {
                    @Override
                    public AbortableCalls.InFlight begin(AbortSignal abort) {
                        return calls.begin(abort);
                    }

                    @Override
                    public RuntimeException beforeOutput(RuntimeException e, AbortableCalls.InFlight f) {
                        // The retry policy reads the Retry-After and RetryInfo the attempt saw.
                        return new Retries.Failed(e, f.hints());
                    }

                    @Override
                    public ModelException midStream(RuntimeException e, AbortableCalls.InFlight f) {
                        return ModelFailures.brokenStream(Errors.map(e, f.hints(), settings, 1), e,
                                settings.baseUrl());
                    }
                });
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
        return runner.invoke(abort, f -> c.models.generateContent(settings.id(), contents, linked(config, f)));
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
        runner.stream(abort, f -> {
            ResponseStream<GenerateContentResponse> stream =
                    c.models.generateContentStream(settings.id(), contents, linked(config, f));
            return ModelCallRunner.EventStream.of(stream::iterator, stream::close);
        }, handler::accept, onStart, onEnd);
    }

    /** The config with the private header that links its request to {@code f}. */
    private static GenerateContentConfig linked(GenerateContentConfig config, AbortableCalls.InFlight f) {
        return config.toBuilder().httpOptions(HttpOptions.builder().headers(f.headers()).build()).build();
    }
}
