package dev.cadre.testkit;

import dev.cadre.testkit.internal.AnthropicMessagesWire;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A fake Anthropic HTTP server on the loopback interface that answers {@code POST /v1/messages} in the
 * exact wire format of the real Messages API (the {@code message} body; the event stream from
 * {@code message_start} through {@code content_block_*} with {@code text_delta}, {@code thinking_delta},
 * {@code signature_delta} and {@code input_json_delta} to {@code message_delta} and {@code message_stop};
 * {@code ping}; {@code event: error}; error bodies {@code {"type":"error","error":{"type","message"}}} with
 * their status codes and {@code retry-after}), with scripted replies.
 *
 * <pre>{@code
 * try (FakeAnthropicServer server = FakeAnthropicServer.start()) {
 *     server.enqueue(Reply.text("Hello there!").thinking("The user greets me."));
 *     Model model = AnthropicModel.builder().id("claude-sonnet-4-5").apiKey("sk-ant-test")
 *             .baseUrl(server.baseUrl()).build();
 *     ...
 *     RecordedRequest request = server.takeRequest(Duration.ofSeconds(5));
 * }
 * }</pre>
 *
 * <p>It speaks the same script vocabulary as {@link FakeOpenAIServer} ({@link Reply}, rules, queue,
 * dispatcher, {@link RecordedRequest} with its outcome) and runs on the same Netty plumbing, so it sees a
 * client close its connection the moment the socket reports it, also between two slow chunks. A
 * {@link Reply.Error} whose type is not one of Anthropic's gets the type Anthropic uses for its status
 * ({@code 429} → {@code rate_limit_error}, {@code 529} → {@code overloaded_error}, …), so scripts written
 * for OpenAI work here too. {@link Reply.Completion#thinking(String)} becomes a thinking block whose
 * signature is {@link #signatureOf(String)}.
 *
 * <p><b>Threading.</b> Thread-safe, as {@link FakeOpenAIServer} is: predicates and the dispatcher run on the
 * server's I/O threads and must not block; delays are scheduled, never slept.
 */
public final class FakeAnthropicServer implements AutoCloseable {

    private final ScriptedServer<Reply> server;

    private FakeAnthropicServer(Builder builder) {
        this.server = new ScriptedServer<>(builder.port, builder.requiredApiKey, AnthropicWire.INSTANCE);
    }

    /** Starts a server on a free port that accepts any API key. */
    public static FakeAnthropicServer start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Options for a {@link FakeAnthropicServer}. */
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
         * Answers 401 ({@code authentication_error}, "invalid x-api-key") to every request that carries
         * {@code apiKey} neither as its {@code x-api-key} header nor as {@code Authorization: Bearer}.
         */
        public Builder requireApiKey(String apiKey) {
            this.requiredApiKey = Optional.of(apiKey);
            return this;
        }

        /** Binds to 127.0.0.1 and starts serving. */
        public FakeAnthropicServer start() {
            return new FakeAnthropicServer(this);
        }
    }

    /** 529 {@code overloaded_error}, as Anthropic answers when it is overloaded. */
    public static Reply.Error overloaded() {
        return Reply.error(529, "overloaded_error", null, AnthropicMessagesWire.OVERLOADED);
    }

    /**
     * 429 {@code rate_limit_error} asking the client to retry after {@code retryAfter} ({@code retry-after}, in
     * whole seconds, as Anthropic sends it).
     */
    public static Reply.Error rateLimited(Duration retryAfter) {
        long seconds = (retryAfter.toMillis() + 999) / 1000;
        return Reply.error(429, "rate_limit_error", null,
                "This request would exceed the rate limit for your organization of 50 requests per minute.")
                .header("retry-after", Long.toString(seconds))
                .header("anthropic-ratelimit-requests-limit", "50")
                .header("anthropic-ratelimit-requests-remaining", "0");
    }

    /** The signature this server gives a thinking block of {@code thinking}; clients must send it back unchanged. */
    public static String signatureOf(String thinking) {
        return AnthropicMessagesWire.signature(thinking);
    }

    /** The base URL to give a client, without {@code /v1}: for example {@code http://127.0.0.1:54321}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    public int port() {
        return server.port();
    }

    /** Adds replies to the queue; each answers one request that no rule answered, in order. */
    public FakeAnthropicServer enqueue(Reply... replies) {
        server.enqueue(Arrays.asList(replies));
        return this;
    }

    /**
     * Adds a rule: requests {@code matcher} accepts get these replies, one per request; see
     * {@link FakeOpenAIServer#when}.
     */
    public FakeAnthropicServer when(Predicate<RecordedRequest> matcher, Reply... replies) {
        server.when(matcher, Arrays.asList(replies));
        return this;
    }

    /** Sets the fallback for requests no rule and no queued reply answered; {@code null} from it declines (a 500). */
    public FakeAnthropicServer dispatcher(Function<RecordedRequest, Reply> dispatcher) {
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

    /** How many TCP connections clients opened. */
    public int connectionCount() {
        return server.connectionCount();
    }

    /** The oldest request not yet taken, waiting up to {@code timeout}; an {@link AssertionError} when none comes. */
    public RecordedRequest takeRequest(Duration timeout) {
        return server.takeRequest(timeout);
    }

    /** Waits until at least {@code count} requests have arrived and returns the first {@code count}. */
    public List<RecordedRequest> awaitRequests(int count, Duration timeout) {
        return server.awaitRequests(count, timeout);
    }

    /** Waits for the {@code n}-th request (from 1) that {@code which} accepts. */
    public RecordedRequest awaitRequest(Predicate<RecordedRequest> which, int n, Duration timeout) {
        return server.awaitRequest(which, n, timeout);
    }

    /** Stops listening, closes all connections and releases the threads. Idempotent. */
    @Override
    public void close() {
        server.close();
    }
}
