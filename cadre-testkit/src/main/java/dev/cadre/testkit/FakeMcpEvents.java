package dev.cadre.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * What a {@link FakeMcpServer} saw, for tests to wait on: each event names a kind and a JSON-RPC request id.
 *
 * <p>An in-process server records here directly ({@link FakeMcpServer#events()}). A server run as a stdio
 * process writes each event to its stderr as a line; hand an instance of this class to the client as the
 * consumer of the server's stderr lines and it records them the same way. Thread-safe.
 */
public final class FakeMcpEvents implements Consumer<String> {

    /** The prefix of an event line on a stdio server's stderr. */
    static final String LINE_PREFIX = "cadre-fake-mcp event ";

    /** How long {@link #await} waits for an event before it fails: long enough for a busy machine. */
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    /** What happened. */
    public enum Kind {
        /** The {@code slow} tool started to run for the request. */
        SLOW_STARTED,
        /** The server got {@code notifications/cancelled} for the request. */
        CANCELLED,
        /** The {@code slow} tool returned (released or cancelled). */
        SLOW_ENDED
    }

    /** One event: {@code requestId} as text. */
    public record Event(Kind kind, String requestId) {
    }

    private final List<Event> events = new ArrayList<>();
    private final List<String> otherLines = new ArrayList<>();

    /** Records an event line of a stdio server's stderr; keeps other lines for {@link #toString()}. */
    @Override
    public void accept(String line) {
        if (line.startsWith(LINE_PREFIX)) {
            String[] parts = line.substring(LINE_PREFIX.length()).split(" ", 2);
            record(Kind.valueOf(parts[0]), parts.length > 1 ? parts[1] : "");
        } else {
            synchronized (this) {
                otherLines.add(line);
            }
        }
    }

    /** Records an event. */
    public synchronized void record(Kind kind, String requestId) {
        events.add(new Event(kind, requestId));
        notifyAll();
    }

    /** The ids of the requests with events of {@code kind} so far, in order. */
    public synchronized List<String> requestIds(Kind kind) {
        return events.stream().filter(e -> e.kind() == kind).map(Event::requestId).toList();
    }

    /**
     * Waits for the {@code n}-th event of {@code kind} (counting from 1) and returns its request id.
     *
     * @throws IllegalStateException when it does not come within 30 seconds (the server is stuck)
     */
    public synchronized String await(Kind kind, int n) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (requestIds(kind).size() < n) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IllegalStateException("No " + kind + " event #" + n + " within " + PATIENCE + "; " + this);
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return requestIds(kind).get(n - 1);
    }

    /** Waits for the first event of {@code kind}; see {@link #await(Kind, int)}. */
    public String await(Kind kind) throws InterruptedException {
        return await(kind, 1);
    }

    @Override
    public synchronized String toString() {
        return "events " + events + (otherLines.isEmpty() ? "" : ", other stderr lines " + otherLines);
    }
}
