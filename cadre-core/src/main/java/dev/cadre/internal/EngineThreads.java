package dev.cadre.internal;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Starts the engine's virtual threads and counts the live ones, so tests and diagnostics can check
 * that no run leaves a thread behind.
 */
public final class EngineThreads {

    private static final Object LOCK = new Object();
    private static int live;

    private EngineThreads() {
    }

    static Thread start(String name, Runnable body) {
        synchronized (LOCK) {
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

    private static void ended() {
        synchronized (LOCK) {
            live--;
            LOCK.notifyAll();
        }
    }

    /** Engine threads alive now: runs, model calls, tool calls, member runs. */
    public static int live() {
        synchronized (LOCK) {
            return live;
        }
    }

    /** Waits until no engine thread is alive; returns whether that happened in time. */
    public static boolean awaitNone(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (LOCK) {
            while (live > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(LOCK, left);
            }
            return true;
        }
    }
}
