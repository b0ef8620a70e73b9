package dev.cadre.testkit;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.IntFunction;
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
 * <p><b>Choosing a reply</b> works as for {@link FakeOpenAIServer}: the {@linkplain #when rules} first, then
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

    private final EventLoopGroup group;
    private final Channel serverChannel;
    private final int port;
    private final Optional<String> requiredApiKey;

    private final Object lock = new Object();
    private final Deque<GeminiReply> queue = new ArrayDeque<>();
    private final List<Rule> rules = new ArrayList<>();
    private Function<RecordedRequest, GeminiReply> dispatcher;

    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private int taken;

    private record Rule(Predicate<RecordedRequest> matcher, Deque<GeminiReply> replies) {
    }

    private FakeGeminiServer(Builder builder) {
        this.requiredApiKey = builder.requiredApiKey;
        this.group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        try {
            ServerBootstrap bootstrap = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            connections.incrementAndGet();
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024 * 1024),
                                    new GeminiServerHandler(FakeGeminiServer.this));
                        }
                    });
            this.serverChannel = bootstrap.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), builder.port))
                    .sync().channel();
        } catch (InterruptedException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the fake server", e);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
        this.port = ((InetSocketAddress) serverChannel.localAddress()).getPort();
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
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Adds replies to the queue; each answers one request that no rule answered, in order. */
    public FakeGeminiServer enqueue(GeminiReply... replies) {
        synchronized (lock) {
            queue.addAll(Arrays.asList(replies));
        }
        return this;
    }

    /** Adds shared replies to the queue, rendered the Gemini way. */
    public FakeGeminiServer enqueue(Reply... replies) {
        return enqueue(Arrays.stream(replies).map(GeminiReply::of).toArray(GeminiReply[]::new));
    }

    /**
     * Adds a rule: requests that {@code matcher} accepts get these replies, one per request, in order; a rule
     * is used up when its replies are. For several callers at once (a team leader and its members).
     */
    public FakeGeminiServer when(Predicate<RecordedRequest> matcher, GeminiReply... replies) {
        Objects.requireNonNull(matcher, "matcher");
        synchronized (lock) {
            rules.add(new Rule(matcher, new ArrayDeque<>(Arrays.asList(replies))));
        }
        return this;
    }

    /** {@link #when(Predicate, GeminiReply...)} with shared replies. */
    public FakeGeminiServer when(Predicate<RecordedRequest> matcher, Reply... replies) {
        return when(matcher, Arrays.stream(replies).map(GeminiReply::of).toArray(GeminiReply[]::new));
    }

    /**
     * Sets the fallback that answers every request no rule and no queued reply answered. It may return
     * {@code null} to decline (the request then gets a 500). Wrap a shared reply with {@link GeminiReply#of(Reply)}.
     */
    public FakeGeminiServer dispatcher(Function<RecordedRequest, GeminiReply> dispatcher) {
        synchronized (lock) {
            this.dispatcher = dispatcher;
        }
        return this;
    }

    /** Every request received so far, in arrival order. */
    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    public int requestCount() {
        return requests.size();
    }

    /** How many TCP connections clients opened; fewer than requests means keep-alive reuse. */
    public int connectionCount() {
        return connections.get();
    }

    /**
     * Returns the oldest request not yet taken, waiting up to {@code timeout} for it to arrive.
     *
     * @throws AssertionError when no request arrives in time
     */
    public RecordedRequest takeRequest(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (taken >= requests.size()) {
                waitUntil(deadline, () -> "no request arrived within " + timeout + " (received "
                        + requests.size() + " in all)");
            }
            return requests.get(taken++);
        }
    }

    /**
     * Waits until at least {@code count} requests have arrived and returns the first {@code count}.
     *
     * @throws AssertionError when they do not arrive in time
     */
    public List<RecordedRequest> awaitRequests(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (requests.size() < count) {
                waitUntil(deadline, () -> "expected " + count + " requests within " + timeout + " but got "
                        + requests.size() + ": " + requests);
            }
            return List.copyOf(requests.subList(0, count));
        }
    }

    /**
     * Waits until the {@code n}-th request (from 1) that {@code which} accepts has arrived, and returns it.
     *
     * @throws AssertionError when it does not arrive in time
     */
    public RecordedRequest awaitRequest(Predicate<RecordedRequest> which, int n, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (true) {
                List<RecordedRequest> seen = requests.stream().filter(which).toList();
                if (seen.size() >= n) {
                    return seen.get(n - 1);
                }
                waitUntil(deadline, () -> "expected request " + n + " of those asked for within " + timeout
                        + " but got " + seen.size() + " of " + requests.size() + ": " + requests);
            }
        }
    }

    /** Stops listening, closes all connections and releases the threads. Idempotent. */
    @Override
    public void close() {
        serverChannel.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    // ---- called by GeminiServerHandler on I/O threads ----

    Optional<String> requiredApiKey() {
        return requiredApiKey;
    }

    RecordedRequest record(IntFunction<RecordedRequest> factory) {
        synchronized (lock) {
            RecordedRequest r = factory.apply(requests.size());
            requests.add(r);
            lock.notifyAll();
            return r;
        }
    }

    /** The reply for {@code request}, or empty when no script answers it. */
    Optional<GeminiReply> replyFor(RecordedRequest request) {
        Function<RecordedRequest, GeminiReply> fallback;
        synchronized (lock) {
            for (Rule rule : rules) {
                if (!rule.replies().isEmpty() && rule.matcher().test(request)) {
                    return Optional.of(rule.replies().poll());
                }
            }
            if (!queue.isEmpty()) {
                return Optional.of(queue.poll());
            }
            fallback = dispatcher;
        }
        return fallback == null ? Optional.empty() : Optional.ofNullable(fallback.apply(request));
    }

    /** Waits on the lock until notified or the deadline; past the deadline fails with {@code message}. */
    private void waitUntil(long deadline, java.util.function.Supplier<String> message) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new AssertionError(message.get());
        }
        try {
            TimeUnit.NANOSECONDS.timedWait(lock, left);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for requests", e);
        }
    }
}
