package dev.cadre.internal;

import dev.cadre.db.DbException;
import dev.cadre.run.RunResult;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/** One run's final state on its way to the store ({@link FinalWrites}). */
public final class FinalWrite {

    final RunResult state;
    final List<String> ancestors;
    /** Completes with what the store holds once it has taken the state; fails if it never can. */
    final CompletableFuture<RunResult> stored = new CompletableFuture<>();
    /** Completes when the first attempt failed and the write is waiting for the store. */
    final CompletableFuture<Void> waiting = new CompletableFuture<>();
    final Instant since = Instant.now();
    volatile DbException lastFailure;
    final AtomicInteger attempts = new AtomicInteger();
    volatile Path keptIn;
    /** Whether its first try failed and it waits for the retries (false while the first try runs). */
    volatile boolean queued;

    FinalWrite(RunResult state, List<String> ancestors) {
        this.state = state;
        this.ancestors = List.copyOf(ancestors);
    }

    public String runId() {
        return state.runId();
    }

    public RunResult state() {
        return state;
    }

    /** Completes with what the store holds once it took the state; fails when it never can. */
    public CompletableFuture<RunResult> stored() {
        return stored;
    }
}
