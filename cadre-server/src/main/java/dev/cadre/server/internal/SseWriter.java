package dev.cadre.server.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cadre.event.RunEvent;
import dev.cadre.event.TerminalEvent;
import dev.cadre.json.CadreJson;
import dev.cadre.run.RunStream;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes runs as Server-Sent Events: one {@code event: <Name>} frame with one-line JSON per event, flushed
 * each, and a heartbeat comment when a stream is quiet. Keeps track of the streams being written, so that a
 * shutdown lets them write their last event before the listener closes.
 */
final class SseWriter {

    private static final Logger LOG = LoggerFactory.getLogger(SseWriter.class);
    private static final Object END = new Object();

    private final Duration heartbeat;
    /** One latch per stream being written. */
    private final Set<CountDownLatch> open = ConcurrentHashMap.newKeySet();

    SseWriter(Duration heartbeat) {
        this.heartbeat = heartbeat;
    }

    /** Waits (until {@code deadlineNanos}) for the streams being written to finish their body. */
    void awaitOpenStreams(long deadlineNanos) throws InterruptedException {
        for (CountDownLatch latch : List.copyOf(open)) {
            latch.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Writes the run's events, flushing each. A reader thread moves events from the run to a queue, so this
     * thread can wake up when the stream is quiet and write a heartbeat: a client that went away makes that
     * write fail, and closing the run stream then cancels the run. A stream that ends without the run's
     * terminal event (its end could not be stored) ends with an error event saying so.
     */
    void stream(Context ctx, RunStream events, String errorEvent, Runnable onEnd) throws IOException {
        tracked(() -> writeEvents(ctx, events, errorEvent, onEnd));
    }

    /**
     * Writes a resumable run's frames from {@code from} on: first {@code before}, then the frames there are
     * now, then {@code between}, then live frames until the run ends. A client that goes away only stops
     * this loop; the run goes on.
     */
    void buffer(Context ctx, ResumableRuns.Buffer buffer, int from, List<String> before, List<String> between)
            throws IOException {
        tracked(() -> writeBuffer(ctx, buffer, from, before, between));
    }

    /** One SSE error frame and the end of the body (a resume that finds nothing, say). */
    void single(Context ctx, String name, ObjectNode json) throws IOException {
        start(ctx);
        OutputStream out = ctx.res().getOutputStream();
        out.write(frame(name, json).getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    static String frame(String name, ObjectNode json) {
        return "event: " + name + "\ndata: " + CadreJson.write(json) + "\n\n";
    }

    static String frame(RunEvent e) {
        return "event: " + e.event() + "\ndata: " + CadreJson.write(e) + "\n\n";
    }

    /** The error event of a run whose stream failed or ended without its end being stored. */
    static ObjectNode errorJson(String name, String runId, String sessionId, String message, String type) {
        ObjectNode n = CadreJson.mapper().createObjectNode();
        n.put("event", name);
        n.put("created_at", Instant.now().getEpochSecond());
        n.put("run_id", runId);
        n.put("session_id", sessionId);
        n.put("content", message);
        n.put("error_type", type);
        n.put("nested_depth", 0); // as on every event (see RunEvent.nestedDepth)
        return n;
    }

    private interface Body {
        void write() throws IOException;
    }

    private void tracked(Body body) throws IOException {
        CountDownLatch latch = new CountDownLatch(1);
        open.add(latch);
        try {
            body.write();
        } finally {
            open.remove(latch);
            latch.countDown();
        }
    }

    private static void start(Context ctx) throws IOException {
        var res = ctx.res();
        res.setStatus(200);
        res.setContentType("text/event-stream; charset=utf-8");
        res.setHeader("Cache-Control", "no-cache");
        res.setHeader("X-Accel-Buffering", "no");
        res.flushBuffer(); // headers now: clients see the stream open before the first event
    }

    private void writeEvents(Context ctx, RunStream events, String errorEvent, Runnable onEnd) throws IOException {
        LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        Thread reader = Thread.ofVirtual().name("cadre-sse-" + events.runId()).start(() -> {
            try {
                for (var e : events) {
                    queue.add(e);
                }
            } catch (RuntimeException e) {
                queue.add(e);
            } finally {
                queue.add(END);
            }
        });
        start(ctx);
        OutputStream out = ctx.res().getOutputStream(); // the raw stream: Javalin's own buffers the result
        boolean clientGone = false;
        boolean ended = false;
        try {
            long heartbeatNanos = heartbeat.toNanos();
            while (true) {
                Object item;
                try {
                    item = queue.poll(heartbeatNanos, TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                if (item == END) {
                    if (!ended) {
                        // No terminal event: the run's end could not be stored. Say so rather than go quiet.
                        Throwable why = failure(events);
                        out.write(frame(errorEvent, errorJson(errorEvent, events.runId(), events.sessionId(),
                                Failures.safeMessage(events.runId(), why), "final_state_not_stored"))
                                .getBytes(StandardCharsets.UTF_8));
                    }
                    break;
                }
                String frame;
                if (item == null) {
                    frame = ": heartbeat\n\n";
                } else if (item instanceof RunEvent e) {
                    ended |= e instanceof TerminalEvent && e.runId().equals(events.runId());
                    frame = frame(e);
                } else {
                    ended = true;
                    RuntimeException failure = (RuntimeException) item;
                    frame = frame(errorEvent, errorJson(errorEvent, events.runId(), events.sessionId(),
                            Failures.safeMessage(events.runId(), failure), "server_error"));
                }
                out.write(frame.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            out.close(); // ends the chunked body now, while stop() still waits for this stream
        } catch (IOException e) {
            clientGone = true;
            LOG.debug("Client of run {} went away; cancelling the run", events.runId());
        } finally {
            events.close(); // cancels the run if it has not ended
            onEnd.run();
            if (clientGone) {
                reader.interrupt();
            }
        }
    }

    /** Why a stream that ended without its terminal event did so. */
    private static Throwable failure(RunStream events) {
        try {
            events.result();
            return new IllegalStateException("The run's stream ended without its terminal event");
        } catch (RuntimeException e) {
            return e;
        }
    }

    private void writeBuffer(Context ctx, ResumableRuns.Buffer buffer, int from, List<String> before,
            List<String> between) throws IOException {
        start(ctx);
        OutputStream out = ctx.res().getOutputStream();
        Consumer<String> write = f -> {
            try {
                out.write(f.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        try {
            before.forEach(write);
            int next = from;
            ResumableRuns.Snapshot caughtUp = buffer.await(next, Duration.ZERO);
            caughtUp.frames().forEach(write);
            next += caughtUp.frames().size();
            between.forEach(write);
            out.flush();
            boolean ended = caughtUp.ended();
            while (!ended) {
                ResumableRuns.Snapshot s = buffer.await(next, heartbeat);
                if (s.frames().isEmpty() && !s.ended()) {
                    write.accept(": heartbeat\n\n");
                }
                s.frames().forEach(write);
                out.flush();
                next += s.frames().size();
                ended = s.ended();
            }
            out.close(); // ends the chunked body now, while stop() still waits for this stream
        } catch (IOException | java.io.UncheckedIOException e) {
            LOG.debug("Client of background run {} went away; the run goes on", buffer.runId);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
