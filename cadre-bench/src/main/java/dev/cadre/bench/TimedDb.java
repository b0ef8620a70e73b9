package dev.cadre.bench;

import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.db.SessionRecord;
import dev.cadre.db.ForwardingDb;
import dev.cadre.db.Db;
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
final class TimedDb extends ForwardingDb {

    /** A terminal state that the database accepted, and when. */
    record Finish(RunStatus status, long atNanos) {
    }

    private final Map<String, Finish> finished = new ConcurrentHashMap<>();
    private final LongAdder writes = new LongAdder();
    private volatile Consumer<RunResult> onTopLevelFinish = r -> { };
    /** How long each accept's write ({@code startRun}) and each end's write ({@code finishRun}) took, whole. */
    private volatile Samples startTimes = new Samples(1024);
    private volatile Samples finishTimes = new Samples(1024);

    TimedDb(Db delegate) {
        super(delegate);
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

    /** Starts {@link #startTimes} and {@link #finishTimes} afresh (after a warm-up, say). */
    void resetTimes() {
        startTimes = new Samples(1024);
        finishTimes = new Samples(1024);
    }

    /** How long each {@code startRun} took, from the call to its return: the accept's own store write. */
    Samples startTimes() {
        return startTimes;
    }

    /** How long each {@code finishRun} took: a run's end's own store write. */
    Samples finishTimes() {
        return finishTimes;
    }

    /** Forgets the runs noted so far, so that a long benchmark does not hold them all. */
    void forget(String runId) {
        finished.remove(runId);
    }

    @Override
    public boolean finishRun(RunResult run) {
        return noted(run, super.finishRun(run));
    }

    /** The engine's own final writes. */
    @Override
    public boolean finishRun(RunResult run, String ownerInstanceId) {
        long t = System.nanoTime();
        boolean accepted = super.finishRun(run, ownerInstanceId);
        finishTimes.add(System.nanoTime() - t);
        return noted(run, accepted);
    }

    /** A cancelled team run's end with its members' (one transaction): each noted at the moment all committed. */
    @Override
    public List<Boolean> finishRuns(List<RunResult> runs, String ownerInstanceId) {
        long t = System.nanoTime();
        List<Boolean> accepted = delegate().finishRuns(runs, ownerInstanceId);
        finishTimes.add(System.nanoTime() - t);
        for (int i = 0; i < runs.size(); i++) {
            noted(runs.get(i), accepted.get(i));
        }
        return accepted;
    }

    private boolean noted(RunResult run, boolean accepted) {
        writes.increment();
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
        super.insertRun(run, ownerInstanceId);
    }

    @Override
    public boolean updateRun(RunResult run) {
        writes.increment();
        return super.updateRun(run);
    }

    @Override
    public boolean updateRun(RunResult run, String ownerInstanceId) {
        writes.increment();
        return super.updateRun(run, ownerInstanceId);
    }

    @Override
    public void startRun(SessionRecord session, RunResult run, String ownerInstanceId) {
        writes.increment(); // one transaction
        long t = System.nanoTime();
        super.startRun(session, run, ownerInstanceId);
        startTimes.add(System.nanoTime() - t);
    }

    @Override
    public void saveSession(SessionRecord session) {
        writes.increment();
        super.saveSession(session);
    }
}
