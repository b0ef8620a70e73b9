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
 * What every fake server shares: the script (rules, queue, dispatcher), the recorded requests with their
 * outcomes, and the Netty server that writes the answers, step by step, in the {@link Wire} format of its API
 * and notices a client closing its connection the moment the socket reports it. The public fake servers
 * ({@link FakeOpenAIServer}, {@link FakeAnthropicServer}, {@link FakeGeminiServer}) are thin fronts over one of
 * these.
 *
 * @param <R> the replies its scripts hold, as its {@link Wire} reads them
 *
 * <p>Thread-safe: scripts may be added and requests read from any thread while the server runs. Predicates
 * and the dispatcher run on the server's I/O threads.
 */
final class ScriptedServer<R> implements AutoCloseable {

    private final EventLoopGroup group;
    private final Channel serverChannel;
    private final int port;
    private final Optional<String> requiredApiKey;

    private final Object lock = new Object();
    private final Deque<R> queue = new ArrayDeque<>();
    private final List<Rule<R>> rules = new ArrayList<>();
    private Function<RecordedRequest, R> dispatcher;

    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private int taken;

    private record Rule<R>(Predicate<RecordedRequest> matcher, Deque<R> replies) {
    }

    /** Binds to 127.0.0.1 ({@code port} 0 picks a free one) and serves {@code wire}. */
    <C> ScriptedServer(int port, Optional<String> requiredApiKey, Wire<R, C> wire) {
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
                                    new ServerHandler<>(ScriptedServer.this, wire));
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

    int port() {
        return port;
    }

    /** Adds replies to the queue; each answers one request that no rule answered, in order. */
    void enqueue(List<R> replies) {
        synchronized (lock) {
            queue.addAll(replies);
        }
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
    void when(Predicate<RecordedRequest> matcher, List<R> replies) {
        Objects.requireNonNull(matcher, "matcher");
        synchronized (lock) {
            rules.add(new Rule<>(matcher, new ArrayDeque<>(replies)));
        }
    }

    /**
     * Sets the fallback that answers every request no rule and no queued reply answered. It may
     * return {@code null} to decline (the request then gets a 500).
     */
    void dispatcher(Function<RecordedRequest, R> dispatcher) {
        synchronized (lock) {
            this.dispatcher = dispatcher;
        }
    }

    /** Every request received so far, in arrival order. */
    List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    int requestCount() {
        return requests.size();
    }

    /** How many TCP connections clients opened; fewer than requests means keep-alive reuse. */
    int connectionCount() {
        return connections.get();
    }

    /**
     * Returns the oldest request not yet taken, waiting up to {@code timeout} for it to arrive.
     *
     * @throws AssertionError when no request arrives in time
     */
    RecordedRequest takeRequest(Duration timeout) {
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
    List<RecordedRequest> awaitRequests(int count, Duration timeout) {
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
    RecordedRequest awaitRequest(Predicate<RecordedRequest> which, int n, Duration timeout) {
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
    Optional<R> replyFor(RecordedRequest request) {
        Function<RecordedRequest, R> fallback;
        synchronized (lock) {
            for (Rule<R> rule : rules) {
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
