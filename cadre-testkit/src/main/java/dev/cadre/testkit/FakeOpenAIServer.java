package dev.cadre.testkit;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A fake OpenAI-compatible HTTP server on the loopback interface that answers
 * {@code POST /v1/chat/completions} and {@code POST /v1/responses} in the exact wire formats of the
 * real API (SSE framing, {@code chat.completion.chunk} deltas and {@code [DONE]}, the Responses event
 * sequence, non-streamed bodies, error bodies), with scripted replies.
 *
 * <pre>{@code
 * try (FakeOpenAIServer server = FakeOpenAIServer.start()) {
 *     server.enqueue(Reply.text("Hello there!"));
 *     Model model = OpenAIChat.builder().id("gpt-4o").apiKey("sk-test").baseUrl(server.baseUrl()).build();
 *     ...
 *     RecordedRequest request = server.takeRequest(Duration.ofSeconds(5));
 *     assertThat(request.lastUserMessage()).hasValue("Hi");
 * }
 * }</pre>
 *
 * <p><b>Choosing a reply.</b> For each request the server asks, in this order: the
 * {@linkplain #when rules} (in the order they were added), the {@linkplain #enqueue queue}, the
 * {@linkplain #dispatcher dispatcher}. The first that has a reply answers. A request nobody answers
 * gets a 500 whose message names the request, so a missing script fails loudly.
 *
 * <p><b>Threading.</b> Thread-safe: scripts may be added and requests read from any thread while the
 * server runs. Predicates and the dispatcher run on the server's I/O threads and must not block.
 * Timing (delays, stalls) never blocks a thread either: it is scheduled.
 *
 * <p><b>Disconnects.</b> The server notices a client closing the connection the moment the socket
 * reports it, also while it waits between two slow chunks, and records it on the request's
 * {@linkplain RecordedRequest#outcome() outcome}.
 */
public final class FakeOpenAIServer implements AutoCloseable {

    private final ScriptedServer<Reply> server;

    private FakeOpenAIServer(Builder builder) {
        this.server = new ScriptedServer<>(builder.port, builder.requiredApiKey, OpenAIWire.INSTANCE);
    }

    /** Starts a server on a free port that accepts any API key. */
    public static FakeOpenAIServer start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Options for a {@link FakeOpenAIServer}. */
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
         * Answers 401 (with the real API's body) to every request whose {@code Authorization} header
         * is not {@code Bearer <apiKey>}.
         */
        public Builder requireApiKey(String apiKey) {
            this.requiredApiKey = Optional.of(apiKey);
            return this;
        }

        /** Binds to 127.0.0.1 and starts serving. */
        public FakeOpenAIServer start() {
            return new FakeOpenAIServer(this);
        }
    }

    /** The base URL to give a client, for example {@code http://127.0.0.1:54321/v1}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.port() + "/v1";
    }

    public int port() {
        return server.port();
    }

    /** Adds replies to the queue; each answers one request that no rule answered, in order. */
    public FakeOpenAIServer enqueue(Reply... replies) {
        server.enqueue(Arrays.asList(replies));
        return this;
    }

    /**
     * Adds a rule: requests that {@code matcher} accepts get these replies, one per request, in
     * order. Once the replies are used up the rule no longer matches. Useful when several callers
     * (a team leader and its members) call the server at once and arrival order is not fixed:
     *
     * <pre>{@code
     * server.when(r -> r.systemPrompt().contains("Researcher"), Reply.text("Facts..."));
     * server.when(r -> r.hasTool("delegate_task_to_member") && !r.isAfterToolResult(),
     *         Reply.toolCall("delegate_task_to_member", "{\"member_id\":\"researcher\",\"task\":\"...\"}"));
     * }</pre>
     */
    public FakeOpenAIServer when(Predicate<RecordedRequest> matcher, Reply... replies) {
        server.when(matcher, Arrays.asList(replies));
        return this;
    }

    /**
     * Sets the fallback that answers every request no rule and no queued reply answered. It may
     * return {@code null} to decline (the request then gets a 500).
     */
    public FakeOpenAIServer dispatcher(Function<RecordedRequest, Reply> dispatcher) {
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
     * Waits until the {@code n}-th request (from 1) that {@code which} accepts has arrived, and returns it —
     * for tests where several callers (a team leader, its members, other processes) call at once.
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
}
