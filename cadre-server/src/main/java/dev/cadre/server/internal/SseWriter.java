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
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
    private static final String HEARTBEAT = ": heartbeat\n\n";

    private final Duration heartbeat;
    private final Duration stallLimit;
    /** The most frames one live stream has held at once: read from its run and not yet written. */
    private final AtomicInteger mostHeld = new AtomicInteger();
    /** One latch per stream being written. */
    private final Set<CountDownLatch> open = ConcurrentHashMap.newKeySet();

    /**
     * @param heartbeat how long a stream may be quiet before a heartbeat comment is written
     * @param stallLimit how long a write may make no progress (the client takes no bytes) before the client
     *     counts as gone
     */
    SseWriter(Duration heartbeat, Duration stallLimit) {
        this.heartbeat = heartbeat;
        this.stallLimit = stallLimit;
    }

    /** The most frames one live stream has held at once, read from its run and not yet written (for tests). */
    int mostFramesHeld() {
        return mostHeld.get();
    }

    /** Waits (until {@code deadlineNanos}) for the streams being written to finish their body. */
    void awaitOpenStreams(long deadlineNanos) throws InterruptedException {
        for (CountDownLatch latch : List.copyOf(open)) {
            latch.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Writes the run's events, flushing each, on the calling thread alone: it waits for the next event or the
     * heartbeat, whichever comes first ({@link RunStream#awaitNext}), and writes it. Nothing is queued here:
     * while a write blocks (a slow client), the run's own bounded stream buffer fills and then holds the run
     * back. A client that went away, or whose connection takes no bytes for the stall limit, makes a write
     * fail; closing the run stream then cancels the run. A stream that ends without the run's terminal event
     * (its end could not be stored) ends with an error event saying so.
     */
    void stream(Context ctx, RunStream events, String errorEvent, Runnable onEnd) throws IOException {
        tracked(() -> writeEvents(ctx, events, errorEvent, onEnd));
    }

    /**
     * Writes a resumable run's frames from {@code from} on: first {@code before}, then the frames there are
     * now, then {@code between}, then live frames until the run ends, on the calling thread alone. A client
     * that goes away, or takes no bytes for the stall limit, only stops this loop; the run goes on, its
     * frames kept in the (bounded) buffer.
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
        if (e instanceof TerminalEvent) {
            // A completion carries a structured answer as its object (see StructuredJson).
            return frame(e.event(), StructuredJson.objects((ObjectNode) CadreJson.tree(e)));
        }
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

    private void start(Context ctx) throws IOException {
        // Writes make progress at least every heartbeat while the client reads; one that makes none for the
        // stall limit fails, so a client that stopped reading is let go (and a live stream's run cancelled).
        Connections.streaming(ctx, stallLimit.plus(heartbeat));
        var res = ctx.res();
        res.setStatus(200);
        res.setContentType("text/event-stream; charset=utf-8");
        res.setHeader("Cache-Control", "no-cache");
        res.setHeader("X-Accel-Buffering", "no");
        res.flushBuffer(); // headers now: clients see the stream open before the first event
    }

    private void writeEvents(Context ctx, RunStream events, String errorEvent, Runnable onEnd) {
        // The request's thread is the stream's only thread: it reads the run and writes each frame, so a
        // client that reads slowly holds the run back (the run stream's bounded buffer) rather than filling
        // a queue here. Named after the run while it streams, for thread dumps.
        Thread self = Thread.currentThread();
        String name = self.getName();
        self.setName("cadre-sse-" + events.runId());
        try {
            start(ctx);
            OutputStream out = ctx.res().getOutputStream(); // the raw stream: Javalin's own buffers the result
            Iterator<RunEvent> it = events.iterator();
            boolean ended = false;
            while (true) {
                String frame;
                boolean fromRun = true;
                boolean last = false;
                try {
                    if (!events.awaitNext(heartbeat)) {
                        frame = HEARTBEAT; // quiet for a heartbeat: write, and find out whether the client is there
                        fromRun = false;
                    } else if (it.hasNext()) {
                        RunEvent e = it.next();
                        ended |= e instanceof TerminalEvent && e.runId().equals(events.runId());
                        frame = frame(e);
                    } else if (!ended) {
                        // No terminal event: the run's end could not be stored. Say so rather than go quiet.
                        frame = frame(errorEvent, errorJson(errorEvent, events.runId(), events.sessionId(),
                                Failures.safeMessage(events.runId(), failure(events)), "final_state_not_stored"));
                        last = true;
                    } else {
                        break;
                    }
                } catch (RuntimeException failure) {
                    frame = frame(errorEvent, errorJson(errorEvent, events.runId(), events.sessionId(),
                            Failures.safeMessage(events.runId(), failure), "server_error"));
                    last = true;
                }
                write(out, frame, fromRun);
                if (last) {
                    break;
                }
            }
            out.close(); // ends the chunked body now, while stop() still waits for this stream
        } catch (IOException e) {
            // The client closed the connection, or took no bytes for the stall limit (the connection's idle timeout).
            LOG.debug("Client of run {} went away; cancelling the run", events.runId());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            events.close(); // cancels the run if it has not ended
            onEnd.run();
            self.setName(name);
        }
    }

    /** Writes and flushes one frame; an event's frame counts as held by this stream until it is written. */
    private void write(OutputStream out, String frame, boolean fromRun) throws IOException {
        if (fromRun) {
            mostHeld.accumulateAndGet(1, Math::max);
        }
        out.write(frame.getBytes(StandardCharsets.UTF_8));
        out.flush();
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
            // Each read hands out the frames kept from `next` on, to the newest; frames the buffer no longer
            // keeps are skipped (their event_index shows the gap).
            ResumableRuns.Snapshot caughtUp = buffer.await(from, Duration.ZERO);
            caughtUp.frames().forEach(write);
            int next = caughtUp.total();
            between.forEach(write);
            out.flush();
            boolean ended = caughtUp.ended();
            while (!ended) {
                ResumableRuns.Snapshot s = buffer.await(next, heartbeat);
                if (s.frames().isEmpty() && !s.ended()) {
                    write.accept(HEARTBEAT);
                }
                s.frames().forEach(write);
                out.flush();
                next = s.total();
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
