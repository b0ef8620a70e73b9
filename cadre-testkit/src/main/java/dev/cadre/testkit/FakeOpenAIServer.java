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

    private final EventLoopGroup group;
    private final Channel serverChannel;
    private final int port;
    private final Optional<String> requiredApiKey;

    private final Object lock = new Object();
    private final Deque<Reply> queue = new ArrayDeque<>();
    private final List<Rule> rules = new ArrayList<>();
    private Function<RecordedRequest, Reply> dispatcher;

    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private int taken;

    private record Rule(Predicate<RecordedRequest> matcher, Deque<Reply> replies) {
    }

    /**
     * A server speaking {@code wire}: {@link FakeAnthropicServer} runs on one of these, so that all fake
     * servers share the scripting, the Netty plumbing and the disconnect detection.
     */
    FakeOpenAIServer(int port, Optional<String> requiredApiKey, Wire wire) {
        this.requiredApiKey = requiredApiKey;
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
                                    new ServerHandler(FakeOpenAIServer.this, wire));
                        }
                    });
            this.serverChannel = bootstrap.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
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
            return new FakeOpenAIServer(port, requiredApiKey, OpenAIWire.INSTANCE);
        }
    }

    /** The base URL to give a client, for example {@code http://127.0.0.1:54321/v1}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port + "/v1";
    }

    public int port() {
        return port;
    }

    /** Adds replies to the queue; each answers one request that no rule answered, in order. */
    public FakeOpenAIServer enqueue(Reply... replies) {
        synchronized (lock) {
            queue.addAll(Arrays.asList(replies));
        }
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
        Objects.requireNonNull(matcher, "matcher");
        synchronized (lock) {
            rules.add(new Rule(matcher, new ArrayDeque<>(Arrays.asList(replies))));
        }
        return this;
    }

    /**
     * Sets the fallback that answers every request no rule and no queued reply answered. It may
     * return {@code null} to decline (the request then gets a 500).
     */
    public FakeOpenAIServer dispatcher(Function<RecordedRequest, Reply> dispatcher) {
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
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no request arrived within " + timeout + " (received "
                            + requests.size() + " in all)");
                }
                waitNanos(left);
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
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("expected " + count + " requests within " + timeout + " but got "
                            + requests.size() + ": " + requests);
                }
                waitNanos(left);
            }
            return List.copyOf(requests.subList(0, count));
        }
    }

    /**
     * Waits until the {@code n}-th request (from 1) that {@code which} accepts has arrived, and returns it —
     * for tests where several callers (a team leader, its members, other processes) call at once.
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
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("expected request " + n + " of those asked for within " + timeout
                            + " but got " + seen.size() + " of " + requests.size() + ": " + requests);
                }
                waitNanos(left);
            }
        }
    }

    /** Stops listening, closes all connections and releases the threads. Idempotent. */
    @Override
    public void close() {
        serverChannel.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    // ---- called by ServerHandler on I/O threads ----

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
    Optional<Reply> replyFor(RecordedRequest request) {
        Function<RecordedRequest, Reply> fallback;
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

    private void waitNanos(long nanos) {
        try {
            TimeUnit.NANOSECONDS.timedWait(lock, nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for requests", e);
        }
    }
}
