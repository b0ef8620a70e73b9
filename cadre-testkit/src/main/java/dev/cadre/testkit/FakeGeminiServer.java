package dev.cadre.testkit;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A fake Gemini API (Google AI, {@code generativelanguage}) on the loopback interface that answers
 * {@code POST /v1beta/models/{model}:generateContent} and {@code :streamGenerateContent?alt=sse} in the wire
 * format of the real API — {@code GenerateContentResponse} bodies and SSE chunks with candidates, content
 * parts ({@code text}, {@code thought}, {@code functionCall}, {@code thoughtSignature}), {@code finishReason}
 * and {@code usageMetadata}; Google's error bodies {@code {"error":{"code","message","status"}}} — with
 * scripted replies.
 *
 * <pre>{@code
 * try (FakeGeminiServer server = FakeGeminiServer.start()) {
 *     server.enqueue(Reply.text("Hello there!"));
 *     Model model = GeminiModel.builder().id("gemini-2.5-flash").apiKey("test-key").baseUrl(server.baseUrl()).build();
 *     ...
 *     RecordedRequest request = server.takeRequest(Duration.ofSeconds(5));
 *     assertThat(request.lastUserMessage()).hasValue("Hi");
 * }
 * }</pre>
 *
 * <p>It runs on the same Netty plumbing as {@link FakeOpenAIServer} and {@link FakeAnthropicServer}.
 * <b>Choosing a reply</b> works as for them: the {@linkplain #when rules} first, then
 * the {@linkplain #enqueue queue}, then the {@linkplain #dispatcher dispatcher}; a request nobody answers gets a
 * 500 whose message names it. Replies are {@link Reply}s (shared by all fake servers) or {@link GeminiReply}s
 * (thoughts, thought signatures, Google's errors).
 *
 * <p><b>Threading.</b> Thread-safe. Predicates and the dispatcher run on the server's I/O threads and must not
 * block. Delays and stalls are scheduled, never slept.
 *
 * <p><b>Disconnects.</b> A client closing its connection is noticed the moment the socket reports it, also
 * between two slow chunks, and recorded on the request's {@linkplain RecordedRequest#outcome() outcome}.
 */
public final class FakeGeminiServer implements AutoCloseable {

    private final ScriptedServer<GeminiReply> server;

    private FakeGeminiServer(Builder builder) {
        this.server = new ScriptedServer<>(builder.port, builder.requiredApiKey, GeminiWire.INSTANCE);
    }

    /** Starts a server on a free port that accepts any API key. */
    public static FakeGeminiServer start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Options for a {@link FakeGeminiServer}. */
    public static final class Builder {
        private int port;
        private Optional<String> requiredApiKey = Optional.empty();

        private Builder() {
        }

        /** The port to listen on; 0 (the default) picks a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Answers every request whose {@code x-goog-api-key} header (or {@code key} query parameter) is not
         * {@code apiKey} as the real API does: 400 {@code INVALID_ARGUMENT}, reason {@code API_KEY_INVALID}; a
         * request without any key gets 403 {@code PERMISSION_DENIED}.
         */
        public Builder requireApiKey(String apiKey) {
            this.requiredApiKey = Optional.of(apiKey);
            return this;
        }

        /** Binds to 127.0.0.1 and starts serving. */
        public FakeGeminiServer start() {
            return new FakeGeminiServer(this);
        }
    }

    /** The base URL to give a client, for example {@code http://127.0.0.1:54321} (the SDK adds {@code /v1beta}). */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    public int port() {
        return server.port();
    }

    /** Adds replies to the queue; each answers one request that no rule answered, in order. */
    public FakeGeminiServer enqueue(GeminiReply... replies) {
        server.enqueue(Arrays.asList(replies));
        return this;
    }

    /** Adds shared replies to the queue, rendered the Gemini way. */
    public FakeGeminiServer enqueue(Reply... replies) {
        return enqueue(gemini(replies));
    }

    /**
     * Adds a rule: requests that {@code matcher} accepts get these replies, one per request, in order; a rule
     * is used up when its replies are. For several callers at once (a team leader and its members).
     */
    public FakeGeminiServer when(Predicate<RecordedRequest> matcher, GeminiReply... replies) {
        server.when(matcher, Arrays.asList(replies));
        return this;
    }

    /** {@link #when(Predicate, GeminiReply...)} with shared replies. */
    public FakeGeminiServer when(Predicate<RecordedRequest> matcher, Reply... replies) {
        return when(matcher, gemini(replies));
    }

    /**
     * Sets the fallback that answers every request no rule and no queued reply answered. It may return
     * {@code null} to decline (the request then gets a 500). Wrap a shared reply with {@link GeminiReply#of(Reply)}.
     */
    public FakeGeminiServer dispatcher(Function<RecordedRequest, GeminiReply> dispatcher) {
        server.dispatcher(dispatcher);
        return this;
    }

    /** Every request received so far, in arrival order. */
    public List<RecordedRequest> requests() {
        return server.requests();
    }

    public int requestCount() {
        return server.requestCount();
    }

    /** How many TCP connections clients opened; fewer than requests means keep-alive reuse. */
    public int connectionCount() {
        return server.connectionCount();
    }

    /**
     * Returns the oldest request not yet taken, waiting up to {@code timeout} for it to arrive.
     *
     * @throws AssertionError when no request arrives in time
     */
    public RecordedRequest takeRequest(Duration timeout) {
        return server.takeRequest(timeout);
    }

    /**
     * Waits until at least {@code count} requests have arrived and returns the first {@code count}.
     *
     * @throws AssertionError when they do not arrive in time
     */
    public List<RecordedRequest> awaitRequests(int count, Duration timeout) {
        return server.awaitRequests(count, timeout);
    }

    /**
     * Waits until the {@code n}-th request (from 1) that {@code which} accepts has arrived, and returns it.
     *
     * @throws AssertionError when it does not arrive in time
     */
    public RecordedRequest awaitRequest(Predicate<RecordedRequest> which, int n, Duration timeout) {
        return server.awaitRequest(which, n, timeout);
    }

    /** Stops listening, closes all connections and releases the threads. Idempotent. */
    @Override
    public void close() {
        server.close();
    }

    private static GeminiReply[] gemini(Reply... replies) {
        return Arrays.stream(replies).map(GeminiReply::of).toArray(GeminiReply[]::new);
    }
}
