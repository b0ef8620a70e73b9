package dev.cadre.server.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cadre.event.RunEvent;
import dev.cadre.event.TerminalEvent;
import dev.cadre.json.CadreJson;
import dev.cadre.run.RunStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The events of streamed background runs ({@code background=true, stream=true}), kept so that a
 * client can go away and come back ({@code /resume}) without the run noticing. Each event is kept
 * as its SSE frame with {@code event_index} and {@code run_id} added, as AgentOS does. Memory is
 * bounded: a run keeps its last {@link #MAX_FRAMES} frames (as AgentOS keeps its last 10 000
 * events), older ones are dropped as new ones come, and the run is never held back by it; a run's
 * frames are forgotten {@link #RETENTION} after it ended, and at most {@code 1000} ended runs are
 * kept. Thread-safe.
 */
final class ResumableRuns {

    static final Duration RETENTION = Duration.ofMinutes(10);
    /** How many frames a run keeps: its newest. */
    static final int MAX_FRAMES = 10_000;
    private static final int MAX_FINISHED = 1_000;

    /** One run's frames so far; readers wait on it for more. */
    static final class Buffer {
        final String runId;
        final String sessionId;
        final String componentId;
        final Optional<String> userId;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private final int maxFrames;
        /** The newest frames; the first has event_index {@code total - frames.size()}. */
        private final ArrayDeque<String> frames = new ArrayDeque<>();
        private int total;
        private boolean done;
        private String status = "running";
        private long endedAtNanos;

        Buffer(String runId, String sessionId, String componentId, Optional<String> userId, int maxFrames) {
            this.runId = runId;
            this.sessionId = sessionId;
            this.componentId = componentId;
            this.userId = userId;
            this.maxFrames = maxFrames;
        }

        /** How many frames the buffer holds now: at most its bound. */
        int held() {
            lock.lock();
            try {
                return frames.size();
            } finally {
                lock.unlock();
            }
        }

        private void keep(String frame) {
            if (frames.size() == maxFrames) {
                frames.removeFirst();
            }
            frames.addLast(frame);
            total++;
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
                json.put("event_index", total);
                keep(SseWriter.frame(name, json));
                status = "error";
                markDone();
            } finally {
                lock.unlock();
            }
        }

        void add(RunEvent e) {
            ObjectNode json = StructuredJson.objects((ObjectNode) CadreJson.tree(e));
            lock.lock();
            try {
                json.put("event_index", total);
                json.put("run_id", e.runId());
                keep("event: " + e.event() + "\ndata: " + CadreJson.write(json) + "\n\n");
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

        /**
         * The frames kept with an index from {@code from} on, up to the newest, waiting up to {@code wait} when
         * there are none yet. Frames before the oldest kept are gone and skipped. Read on from
         * {@link Snapshot#total()}; no frames and {@code ended} means the end.
         */
        Snapshot await(int from, Duration wait) throws InterruptedException {
            lock.lock();
            try {
                long left = wait.toNanos();
                while (total <= from && !done && left > 0) {
                    left = changed.awaitNanos(left);
                }
                int skip = Math.max(0, from - (total - frames.size()));
                List<String> out = skip < frames.size() ? frames.stream().skip(skip).toList() : List.of();
                return new Snapshot(out, done, total, frames.size(), status);
            } finally {
                lock.unlock();
            }
        }

        Snapshot now() {
            lock.lock();
            try {
                return new Snapshot(List.of(), done, total, frames.size(), status);
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
     * @param total how many frames the run has had so far: the index of its next one
     * @param buffered how many of them are kept (the newest)
     * @param status {@code running}, or the final status in lower case
     */
    record Snapshot(List<String> frames, boolean ended, int total, int buffered, String status) {

        /** How many frames a reader that has seen those before {@code from} can still be given. */
        int available(int from) {
            return Math.max(0, total - Math.max(from, total - buffered));
        }
    }

    private final Map<String, Buffer> buffers = new ConcurrentHashMap<>();
    private final int maxFrames;

    ResumableRuns() {
        this(MAX_FRAMES);
    }

    /** Keeps the last {@code maxFrames} frames of each run. */
    ResumableRuns(int maxFrames) {
        this.maxFrames = maxFrames;
    }

    /**
     * Starts keeping the stream's events, reading them on a virtual thread of their own until the run ends. A
     * stream that ends without the run's terminal event (its end could not be stored) gets an error event
     * named {@code errorEvent} saying so.
     */
    Buffer start(RunStream stream, String componentId, Optional<String> userId, String errorEvent) {
        evict();
        Buffer b = new Buffer(stream.runId(), stream.sessionId(), componentId, userId, maxFrames);
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

    /**
     * {@link #start}, for a run whose events another process's stream had: one buffer per run, whoever asks first
     * (two resumes at once read one log).
     */
    synchronized Buffer follow(RunStream events, String componentId, Optional<String> userId, String errorEvent) {
        Buffer had = buffers.get(events.runId());
        if (had != null) {
            events.close();
            return had;
        }
        return start(events, componentId, userId, errorEvent);
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
