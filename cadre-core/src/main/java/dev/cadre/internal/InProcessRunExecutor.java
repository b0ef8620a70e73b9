package dev.cadre.internal;

import dev.cadre.run.RunExecutor;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs background runs on virtual threads: at most {@code maxRunning} at once, at most
 * {@code maxQueued} waiting for a slot; more are rejected.
 */
public final class InProcessRunExecutor implements RunExecutor {

    private static final Logger LOG = LoggerFactory.getLogger(InProcessRunExecutor.class);

    private final Semaphore slots;
    private final int maxAccepted;
    private final AtomicInteger accepted = new AtomicInteger();
    private final Object idle = new Object();
    private volatile boolean stopped;

    public InProcessRunExecutor(int maxRunning, int maxQueued) {
        if (maxRunning < 1 || maxQueued < 0) {
            throw new IllegalArgumentException("maxRunning must be 1 or more and maxQueued 0 or more");
        }
        this.slots = new Semaphore(maxRunning, true);
        this.maxAccepted = maxRunning + maxQueued;
    }

    @Override
    public void submit(Runnable run) {
        if (stopped) {
            throw new RejectedExecutionException("Background runs are not accepted: the run manager is shutting down");
        }
        if (accepted.incrementAndGet() > maxAccepted) {
            finished();
            throw new RejectedExecutionException("Too many background runs (" + maxAccepted + " running or waiting); "
                    + "try again later or raise the limits of the run manager's executor");
        }
        Thread.ofVirtual().name("cadre-background-run").start(() -> {
            try {
                slots.acquire();
                try {
                    run.run();
                } finally {
                    slots.release();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException | Error e) {
                LOG.error("A background run failed outside the engine's handling", e);
            } finally {
                finished();
            }
        });
    }

    private void finished() {
        if (accepted.decrementAndGet() == 0) {
            synchronized (idle) {
                idle.notifyAll();
            }
        }
    }

    @Override
    public void stopAccepting() {
        stopped = true;
    }

    @Override
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (idle) {
            while (accepted.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                idle.wait(Math.max(1, left / 1_000_000));
            }
        }
        return true;
    }
}
