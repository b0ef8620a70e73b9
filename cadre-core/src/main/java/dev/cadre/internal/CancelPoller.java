package dev.cadre.internal;

import dev.cadre.db.Db;
import dev.cadre.db.ProcessInstance;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The owner's side of a cancel from another process: at every beat, it asks the db of each run this manager
 * executes for the cancel requests recorded against this process, and cancels those runs here — so the
 * owner ends its run itself (partial answer kept, members stopped, terminal event stored), at the latest one
 * beat after the request. Idle (no query) while the manager runs nothing stored.
 */
public final class CancelPoller implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CancelPoller.class);

    private final RunRegistry registry;
    private final Duration interval;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private boolean closed;
    private Thread thread;

    public CancelPoller(RunRegistry registry, Duration interval) {
        this.registry = registry;
        this.interval = interval;
    }

    /** Starts beating, once; later calls do nothing. */
    public void start() {
        lock.lock();
        try {
            if (thread == null && !closed) {
                thread = Thread.ofVirtual().name("cadre-cancel-requests").start(this::loop);
            }
        } finally {
            lock.unlock();
        }
    }

    private void loop() {
        while (true) {
            lock.lock();
            try {
                if (!closed) {
                    wake.await(interval.toNanos(), TimeUnit.NANOSECONDS);
                }
                if (closed) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            pollOnce();
        }
    }

    /** Asks each db once and cancels the requested runs of this manager. */
    void pollOnce() {
        Map<Db, List<RunRegistry.ActiveRun>> byDb = new IdentityHashMap<>();
        for (RunRegistry.ActiveRun run : registry.activeRuns()) {
            run.db().ifPresent(db -> byDb.computeIfAbsent(db, k -> new ArrayList<>()).add(run));
        }
        for (Db db : byDb.keySet()) {
            Map<String, String> requests;
            try {
                requests = db.cancelRequests(ProcessInstance.id());
            } catch (RuntimeException e) {
                LOG.debug("Could not read the cancel requests of db {}: {}", db.id(), e.getMessage());
                continue;
            }
            requests.forEach((runId, reason) -> registry.get(runId).ifPresent(run -> run.control().cancel(reason)));
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
