package dev.cadre.server.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cadre.event.RunEvent;
import dev.cadre.event.TerminalEvent;
import dev.cadre.json.CadreJson;
import dev.cadre.run.RunStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The events of streamed background runs ({@code background=true, stream=true}), kept so that a
 * client can go away and come back ({@code /resume}) without the run noticing. Each event is kept
 * as its SSE frame with {@code event_index} and {@code run_id} added, as AgentOS does. A run's
 * events are forgotten {@link #RETENTION} after it ended; thread-safe.
 */
final class ResumableRuns {

    static final Duration RETENTION = Duration.ofMinutes(10);
    private static final int MAX_FINISHED = 1_000;

    /** One run's frames so far; readers wait on it for more. */
    static final class Buffer {
        final String runId;
        final String sessionId;
        final String componentId;
        final Optional<String> userId;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private final List<String> frames = new ArrayList<>();
        private boolean done;
        private String status = "running";
        private long endedAtNanos;

        Buffer(String runId, String sessionId, String componentId, Optional<String> userId) {
            this.runId = runId;
            this.sessionId = sessionId;
            this.componentId = componentId;
            this.userId = userId;
        }

        /** Whether the run's own terminal event is in the buffer. */
        boolean hasTerminal() {
            lock.lock();
            try {
                return !status.equals("running");
            } finally {
                lock.unlock();
            }
        }

        /** The last frame of a run whose stream ended without its terminal event: an error event. */
        void addError(String name, ObjectNode json) {
            lock.lock();
            try {
                json.put("event_index", frames.size());
                frames.add(SseWriter.frame(name, json));
                status = "error";
                markDone();
            } finally {
                lock.unlock();
            }
        }

        void add(RunEvent e) {
            ObjectNode json = (ObjectNode) CadreJson.tree(e);
            lock.lock();
            try {
                json.put("event_index", frames.size());
                json.put("run_id", e.runId());
                frames.add("event: " + e.event() + "\ndata: " + CadreJson.write(json) + "\n\n");
                if (e instanceof TerminalEvent t && e.parentRunId().isEmpty()) {
                    // The run's own terminal event is its last: the buffer is complete now, before
                    // the reading thread gets round to finish() (a poll may already see the run ended).
                    status = t.status().name().toLowerCase(java.util.Locale.ROOT);
                    markDone();
                }
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        void finish() {
            lock.lock();
            try {
                markDone();
            } finally {
                lock.unlock();
            }
        }

        private void markDone() {
            if (!done) {
                done = true;
                endedAtNanos = System.nanoTime();
            }
            changed.signalAll();
        }

        /** Frames from {@code from} on, waiting up to {@code wait} when there are none yet; empty and done means the end. */
        Snapshot await(int from, Duration wait) throws InterruptedException {
            lock.lock();
            try {
                long left = wait.toNanos();
                while (frames.size() <= from && !done && left > 0) {
                    left = changed.awaitNanos(left);
                }
                List<String> out = from < frames.size() ? List.copyOf(frames.subList(from, frames.size())) : List.of();
                return new Snapshot(out, done && from + out.size() >= frames.size(), frames.size(), status);
            } finally {
                lock.unlock();
            }
        }

        Snapshot now() {
            lock.lock();
            try {
                return new Snapshot(List.of(), done, frames.size(), status);
            } finally {
                lock.unlock();
            }
        }

        boolean expired(long nowNanos) {
            lock.lock();
            try {
                return done && nowNanos - endedAtNanos > RETENTION.toNanos();
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * @param frames the frames read
     * @param ended whether these are the last frames of an ended run
     * @param total how many frames the run has so far
     * @param status {@code running}, or the final status in lower case
     */
    record Snapshot(List<String> frames, boolean ended, int total, String status) {
    }

    private final Map<String, Buffer> buffers = new ConcurrentHashMap<>();

    /**
     * Starts keeping the stream's events, reading them on a virtual thread of their own until the run ends. A
     * stream that ends without the run's terminal event (its end could not be stored) gets an error event
     * named {@code errorEvent} saying so.
     */
    Buffer start(RunStream stream, String componentId, Optional<String> userId, String errorEvent) {
        evict();
        Buffer b = new Buffer(stream.runId(), stream.sessionId(), componentId, userId);
        buffers.put(b.runId, b);
        Thread.ofVirtual().name("cadre-resumable-" + b.runId).start(() -> {
            RuntimeException failure = null;
            try (stream) {
                for (RunEvent e : stream) {
                    b.add(e);
                }
                if (!b.hasTerminal()) {
                    stream.result(); // throws why the end is missing
                }
            } catch (RuntimeException e) {
                failure = e;
            } finally {
                if (!b.hasTerminal()) {
                    Throwable why = failure != null ? failure
                            : new IllegalStateException("The run's stream ended without its terminal event");
                    b.addError(errorEvent, SseWriter.errorJson(errorEvent, b.runId, b.sessionId,
                            Failures.safeMessage(b.runId, why), "final_state_not_stored"));
                }
                b.finish();
            }
        });
        return b;
    }

    Optional<Buffer> get(String runId) {
        return Optional.ofNullable(buffers.get(runId));
    }

    private void evict() {
        long now = System.nanoTime();
        buffers.values().removeIf(b -> b.expired(now));
        if (buffers.size() > MAX_FINISHED) {
            buffers.values().removeIf(b -> b.now().ended());
        }
    }
}
