package dev.cadre;

import dev.cadre.run.RunResult;
import dev.cadre.db.FinalStateJournal;
import dev.cadre.db.ForwardingDb;
import dev.cadre.db.InMemoryDb;
import dev.cadre.db.DbException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;

/**
 * An in-memory store whose final writes can be made to fail as a database that is down does
 * ({@link DbException.Kind#UNAVAILABLE}), and that reports what happens to them: every failed
 * attempt releases a permit of {@link #failedFinishes}, and {@link #finished} lists the runs whose final
 * state it took, in order.
 */
final class FlakyDb extends ForwardingDb {

    final Semaphore failedFinishes = new Semaphore(0);
    final List<String> finished = new CopyOnWriteArrayList<>();
    /** Completes the first time a run reads its history: the run's thread has started its steps. */
    final CompletableFuture<Void> historyRead = new CompletableFuture<>();
    private volatile boolean refuseFinishes;
    private final Optional<FinalStateJournal> journal;

    FlakyDb() {
        this(Optional.empty());
    }


    FlakyDb(Optional<FinalStateJournal> journal) {
        super(new InMemoryDb());
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
            throw new DbException(DbException.Kind.UNAVAILABLE, "Finishing run " + run.runId()
                    + " failed: the test database is down");
        }
    }

    @Override
    public boolean finishRun(RunResult run) {
        maybeRefuse(run);
        boolean taken = super.finishRun(run);
        if (taken) {
            finished.add(run.runId());
        }
        return taken;
    }

    @Override
    public boolean finishRun(RunResult run, String ownerInstanceId) {
        maybeRefuse(run);
        boolean taken = super.finishRun(run, ownerInstanceId);
        if (taken) {
            finished.add(run.runId());
        }
        return taken;
    }

    @Override
    public List<RunResult> listRuns(String sessionId) {
        historyRead.complete(null);
        return super.listRuns(sessionId);
    }

    @Override
    public Optional<FinalStateJournal> journal() {
        return journal;
    }

    @Override
    public String id() {
        return "flaky";
    }
}
