package dev.cadre.internal;

import dev.cadre.event.ContentEvent;
import dev.cadre.event.RunEvent;
import dev.cadre.event.TerminalEvent;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStream;
import dev.cadre.db.DbException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link RunStream} fed by the run's threads through a bounded buffer.
 *
 * <p>Events wait in the buffer for the reader; when it is full, the run's threads wait (back
 * pressure). Two things never wait: the run's own terminal event and the end of the stream, which
 * are kept apart and handed out once the buffer is empty — so a run always ends, even when its
 * reader stopped reading. Once the run is cancelled, events that find the buffer full are dropped
 * rather than waited for, so a cancel ends a run whose reader stopped reading; once the run has
 * ended, late events (from a member that ignored the cancel for too long) are dropped.
 */
final class QueueRunStream implements RunStream, EventSink {

    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readable = lock.newCondition();
    private final Condition writable = lock.newCondition();
    private final ArrayDeque<RunEvent> buffer = new ArrayDeque<>();
    private final int capacity;
    private final String runId;
    private final String sessionId;
    private final boolean allEvents;
    private final RunControl control;
    private final CompletableFuture<RunResult> done = new CompletableFuture<>();
    private RunEvent terminal;
    private boolean ended;
    private boolean closed;
    private boolean discarding;
    private boolean iterated;
    // The iterator's state, kept here so that awaitNext sees an event hasNext() already took. Only the
    // reading thread touches them.
    private RunEvent lookahead;
    private boolean over;

    QueueRunStream(String runId, String sessionId, boolean allEvents, RunControl control, int capacity) {
        this.runId = runId;
        this.sessionId = sessionId;
        this.allEvents = allEvents;
        this.control = control;
        this.capacity = capacity;
        // A cancelled run must end whether or not anyone reads: wake its threads waiting for room.
        control.onAbort(this::wakeWriters);
    }

    private void wakeWriters() {
        lock.lock();
        try {
            writable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void emit(RunEvent event) {
        if (event instanceof TerminalEvent && event.runId().equals(runId)) {
            lock.lock();
            try {
                terminal = event;
                readable.signalAll();
                writable.signalAll(); // members still waiting to write give up: the run is over
            } finally {
                lock.unlock();
            }
            return;
        }
        if (allEvents || event instanceof ContentEvent || event instanceof TerminalEvent) {
            put(event);
        }
    }

    private void put(RunEvent event) {
        lock.lock();
        try {
            while (buffer.size() >= capacity && !closed && !discarding && terminal == null && !ended
                    && !control.isAborted()) {
                writable.await();
            }
            // A cancelled run's events that find no room are dropped: nobody reads, and the run must end.
            if (closed || discarding || terminal != null || ended || buffer.size() >= capacity) {
                return;
            }
            buffer.add(event);
            readable.signal();
        } catch (InterruptedException e) {
            // Only model and tool threads are interrupted, and only when the run is cancelled: the
            // event is moot. Keep the flag so the interrupted code stops.
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /** Called by the run's thread once the run has ended. */
    void finish(RunResult result, Throwable failure) {
        if (failure != null) {
            done.completeExceptionally(failure);
        } else {
            done.complete(result);
        }
        lock.lock();
        try {
            ended = true;
            readable.signalAll();
            writable.signalAll();
        } finally {
            lock.unlock();
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
    public Iterator<RunEvent> iterator() {
        lock.lock();
        try {
            if (iterated) {
                throw new IllegalStateException("A RunStream can be iterated only once");
            }
            iterated = true;
        } finally {
            lock.unlock();
        }
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                if (lookahead != null) {
                    return true;
                }
                if (over) {
                    return false;
                }
                Optional<RunEvent> e = take();
                if (e.isEmpty()) {
                    over = true;
                    return false;
                }
                lookahead = e.get();
                return true;
            }

            @Override
            public RunEvent next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("The run has ended");
                }
                RunEvent e = lookahead;
                lookahead = null;
                return e;
            }
        };
    }

    @Override
    public boolean awaitNext(Duration timeout) throws InterruptedException {
        if (lookahead != null || over) {
            return true; // the iterator holds its answer already
        }
        long left = timeout.toNanos();
        lock.lock();
        try {
            // What take() would hand out at once: an event, the terminal event, or the end.
            while (!closed && buffer.isEmpty() && terminal == null && !ended) {
                if (left <= 0) {
                    return false;
                }
                left = readable.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The next event; empty at the end of the stream (or once it is closed). */
    private Optional<RunEvent> take() {
        boolean interrupted = false;
        lock.lock();
        try {
            while (true) {
                if (closed) {
                    return Optional.empty();
                }
                RunEvent e = buffer.poll();
                if (e != null) {
                    writable.signal();
                    return Optional.of(e);
                }
                if (terminal != null) {
                    RunEvent t = terminal;
                    terminal = null;
                    closed = true; // nothing follows a run's terminal event
                    return Optional.of(t);
                }
                if (ended) {
                    return Optional.empty();
                }
                try {
                    readable.await();
                } catch (InterruptedException ie) {
                    // The reader was interrupted: cancel the run, then read on to its terminal event.
                    interrupted = true;
                    lock.unlock();
                    try {
                        control.cancel(RunRegistry.cancelReason(runId));
                    } finally {
                        lock.lock();
                    }
                }
            }
        } finally {
            lock.unlock();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** From now on nobody reads what is buffered: the run goes on without waiting for a reader. */
    void discard() {
        lock.lock();
        try {
            discarding = true;
            buffer.clear();
            writable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public RunResult result() {
        discard();
        try {
            return done.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof DbException se) {
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
        lock.lock();
        try {
            closed = true;
            buffer.clear();
            readable.signalAll();
            writable.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            done.get(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            // The run's own thread reports failures; close() only promises to have asked.
        }
    }
}
