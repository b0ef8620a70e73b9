package dev.cadre.internal;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Starts one run manager's virtual threads and counts the live ones, so tests and diagnostics can check
 * that no run leaves a thread behind. One per manager: managers never see each other's threads.
 */
public final class EngineThreads {

    private final Object lock = new Object();
    private int live;
    private final UnaryOperator<Runnable> wrapper;

    public EngineThreads(UnaryOperator<Runnable> wrapper) {
        this.wrapper = wrapper;
    }

    /** {@code task} as the manager's task wrapper makes it, on the calling thread (whose context it may take). */
    Runnable wrap(Runnable task) {
        return wrapper.apply(task);
    }

    Thread start(String name, Runnable task) {
        Runnable body = wrap(task);
        synchronized (lock) {
            live++;
        }
        try {
            return Thread.ofVirtual().name(name).start(() -> {
                try {
                    body.run();
                } finally {
                    ended();
                }
            });
        } catch (RuntimeException | Error e) {
            ended();
            throw e;
        }
    }

    private void ended() {
        synchronized (lock) {
            live--;
            lock.notifyAll();
        }
    }

    /** Engine threads alive now: runs, model calls, tool calls, member runs, final writes. */
    public int live() {
        synchronized (lock) {
            return live;
        }
    }

    /** Waits until no engine thread is alive; returns whether that happened in time. */
    public boolean awaitNone(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (live > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return true;
        }
    }
}
