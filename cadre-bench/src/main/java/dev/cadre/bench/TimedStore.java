package dev.cadre.bench;

import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.store.Page;
import dev.cadre.store.SessionQuery;
import dev.cadre.store.SessionRecord;
import dev.cadre.store.Store;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * A store that passes every call to a real one and notes when each run's terminal state was
 * committed (the moment {@code finishRun} returned), and how many writes a run costs. This is how
 * "terminal status persisted" is timed without polling the database.
 */
final class TimedStore implements Store {

    /** A terminal state that the database accepted, and when. */
    record Finish(RunStatus status, long atNanos) {
    }

    private final Store delegate;
    private final Map<String, Finish> finished = new ConcurrentHashMap<>();
    private final LongAdder writes = new LongAdder();
    private volatile Consumer<RunResult> onTopLevelFinish = r -> { };

    TimedStore(Store delegate) {
        this.delegate = delegate;
    }

    /** Called (on the run's thread) right after a top-level run's terminal state was committed; member runs are noted too. */
    void onTopLevelFinish(Consumer<RunResult> listener) {
        this.onTopLevelFinish = listener;
    }

    Optional<Finish> finish(String runId) {
        return Optional.ofNullable(finished.get(runId));
    }

    /** Session saves, run inserts, updates and finishes so far. */
    long writes() {
        return writes.sum();
    }

    /** Forgets the runs noted so far, so that a long benchmark does not hold them all. */
    void forget(String runId) {
        finished.remove(runId);
    }

    @Override
    public boolean finishRun(RunResult run) {
        writes.increment();
        boolean accepted = delegate.finishRun(run);
        long at = System.nanoTime();
        if (accepted) {
            finished.put(run.runId(), new Finish(run.status(), at));
            if (run.parentRunId().isEmpty()) {
                onTopLevelFinish.accept(run);
            }
        }
        return accepted;
    }

    @Override
    public void insertRun(RunResult run, String ownerInstanceId) {
        writes.increment();
        delegate.insertRun(run, ownerInstanceId);
    }

    @Override
    public boolean updateRun(RunResult run) {
        writes.increment();
        return delegate.updateRun(run);
    }

    @Override
    public void saveSession(SessionRecord session) {
        writes.increment();
        delegate.saveSession(session);
    }

    @Override
    public String id() {
        return delegate.id();
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
    public Optional<RunResult> getRun(String runId) {
        return delegate.getRun(runId);
    }

    @Override
    public List<RunResult> listRuns(String sessionId) {
        return delegate.listRuns(sessionId);
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
