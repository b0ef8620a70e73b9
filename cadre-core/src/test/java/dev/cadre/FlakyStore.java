package dev.cadre;

import dev.cadre.run.RunResult;
import dev.cadre.store.FinalStateJournal;
import dev.cadre.store.InMemoryStore;
import dev.cadre.store.Page;
import dev.cadre.store.SessionQuery;
import dev.cadre.store.SessionRecord;
import dev.cadre.store.Store;
import dev.cadre.store.StoreException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;

/**
 * An in-memory store whose final writes can be made to fail as a database that is down does
 * ({@link StoreException.Kind#UNAVAILABLE}), and that reports what happens to them: every failed
 * attempt releases a permit of {@link #failedFinishes}, and {@link #finished} lists the runs whose final
 * state it took, in order.
 */
final class FlakyStore implements Store {

    final InMemoryStore delegate = new InMemoryStore();
    final Semaphore failedFinishes = new Semaphore(0);
    final List<String> finished = new CopyOnWriteArrayList<>();
    /** Completes the first time a run reads its history: the run's thread has started its steps. */
    final CompletableFuture<Void> historyRead = new CompletableFuture<>();
    private volatile boolean refuseFinishes;
    private final Optional<FinalStateJournal> journal;

    FlakyStore() {
        this(Optional.empty());
    }

    FlakyStore(Optional<FinalStateJournal> journal) {
        this.journal = journal;
    }

    /** From now on, final writes fail (or succeed again). */
    void refuseFinishes(boolean refuse) {
        this.refuseFinishes = refuse;
    }

    /** Waits for {@code n} more failed final-write attempts. */
    boolean awaitFailedFinishes(int n, Duration timeout) throws InterruptedException {
        return failedFinishes.tryAcquire(n, timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private void maybeRefuse(RunResult run) {
        if (refuseFinishes) {
            failedFinishes.release();
            throw new StoreException(StoreException.Kind.UNAVAILABLE, "Finishing run " + run.runId()
                    + " failed: the test database is down");
        }
    }

    @Override
    public boolean finishRun(RunResult run) {
        maybeRefuse(run);
        boolean taken = delegate.finishRun(run);
        if (taken) {
            finished.add(run.runId());
        }
        return taken;
    }

    @Override
    public boolean finishRun(RunResult run, String ownerInstanceId) {
        maybeRefuse(run);
        boolean taken = delegate.finishRun(run, ownerInstanceId);
        if (taken) {
            finished.add(run.runId());
        }
        return taken;
    }

    @Override
    public List<RunResult> listRuns(String sessionId) {
        historyRead.complete(null);
        return delegate.listRuns(sessionId);
    }

    @Override
    public Optional<FinalStateJournal> journal() {
        return journal;
    }

    // ---- the rest as the in-memory store does it ---------------------------------------------------

    @Override
    public String id() {
        return "flaky";
    }

    @Override
    public void saveSession(SessionRecord session) {
        delegate.saveSession(session);
    }

    @Override
    public Optional<SessionRecord> getSession(String sessionId) {
        return delegate.getSession(sessionId);
    }

    @Override
    public Page<SessionRecord> listSessions(SessionQuery query) {
        return delegate.listSessions(query);
    }

    @Override
    public boolean renameSession(String sessionId, String name) {
        return delegate.renameSession(sessionId, name);
    }

    @Override
    public boolean deleteSession(String sessionId) {
        return delegate.deleteSession(sessionId);
    }

    @Override
    public void insertRun(RunResult run, String ownerInstanceId) {
        delegate.insertRun(run, ownerInstanceId);
    }

    @Override
    public boolean updateRun(RunResult run) {
        return delegate.updateRun(run);
    }

    @Override
    public boolean updateRun(RunResult run, String ownerInstanceId) {
        return delegate.updateRun(run, ownerInstanceId);
    }

    @Override
    public Optional<RunResult> getRun(String runId) {
        return delegate.getRun(runId);
    }

    @Override
    public void heartbeat(String instanceId) {
        delegate.heartbeat(instanceId);
    }

    @Override
    public List<String> failOrphanedRuns(Duration staleAfter, String reason) {
        return delegate.failOrphanedRuns(staleAfter, reason);
    }
}
