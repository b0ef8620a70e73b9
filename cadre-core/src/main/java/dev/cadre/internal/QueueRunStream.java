package dev.cadre.internal;

import dev.cadre.event.ContentEvent;
import dev.cadre.event.RunEvent;
import dev.cadre.event.TerminalEvent;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStream;
import dev.cadre.store.StoreException;
import java.time.Duration;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A {@link RunStream} fed by the run's threads through a bounded queue. */
final class QueueRunStream implements RunStream, EventSink {

    private static final Object END = new Object();
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

    private final BlockingQueue<Object> queue;
    private final String runId;
    private final String sessionId;
    private final boolean allEvents;
    private final RunControl control;
    private final CompletableFuture<RunResult> done = new CompletableFuture<>();
    private volatile boolean closed;
    private boolean iterated;

    QueueRunStream(String runId, String sessionId, boolean allEvents, RunControl control, int capacity) {
        this.runId = runId;
        this.sessionId = sessionId;
        this.allEvents = allEvents;
        this.control = control;
        this.queue = new ArrayBlockingQueue<>(capacity);
    }

    @Override
    public void emit(RunEvent event) {
        if (allEvents || event instanceof ContentEvent || event instanceof TerminalEvent) {
            put(event);
        }
    }

    /** Called by the run's thread once the run has ended. */
    void finish(RunResult result, Throwable failure) {
        if (failure != null) {
            done.completeExceptionally(failure);
        } else {
            done.complete(result);
        }
        put(END);
    }

    private void put(Object item) {
        try {
            while (!closed) {
                if (queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            // Only model and tool threads are interrupted, and only when the run is cancelled: the
            // event is moot. Keep the flag so the interrupted code stops.
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String runId() {
        return runId;
    }

    @Override
    public String sessionId() {
        return sessionId;
    }

    @Override
    public synchronized Iterator<RunEvent> iterator() {
        if (iterated) {
            throw new IllegalStateException("A RunStream can be iterated only once");
        }
        iterated = true;
        return new Iterator<>() {
            private Object next;
            private boolean ended;

            @Override
            public boolean hasNext() {
                if (next != null) {
                    return true;
                }
                if (ended || closed) {
                    return false;
                }
                next = take();
                if (next == END) {
                    next = null;
                    ended = true;
                    return false;
                }
                return true;
            }

            @Override
            public RunEvent next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("The run has ended");
                }
                RunEvent e = (RunEvent) next;
                next = null;
                return e;
            }
        };
    }

    private Object take() {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return queue.take();
                } catch (InterruptedException e) {
                    // The reader was interrupted: cancel the run, then read on to its terminal event.
                    interrupted = true;
                    control.cancel(RunRegistry.cancelReason(runId));
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public RunResult result() {
        try {
            return done.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof StoreException se) {
                throw se;
            }
            throw e;
        }
    }

    @Override
    public void close() {
        if (!done.isDone()) {
            control.cancel(RunRegistry.cancelReason(runId));
        }
        closed = true;
        queue.clear();
        try {
            done.get(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            // The run's own thread reports failures; close() only promises to have asked.
        }
    }
}
