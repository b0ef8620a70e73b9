package dev.cadre.internal;

import dev.cadre.db.Db;
import dev.cadre.run.CancelResult;
import dev.cadre.run.CancellationManager;
import dev.cadre.run.RunFailure;
import dev.cadre.run.RunResult;
import java.util.Optional;

/**
 * Cancels by run id, for one run manager: a run of the manager is cancelled here; a run of another process
 * (or another manager) is asked to stop through its db, where its owner finds the request; an id nobody
 * knows is remembered for a while, so that a run starting with it is cancelled at once.
 */
public final class Cancels {

    private final RunRegistry registry;
    private final CancellationManager cancellations;

    public Cancels(RunRegistry registry, CancellationManager cancellations) {
        this.registry = registry;
        this.cancellations = cancellations;
    }

    /**
     * Cancels {@code runId}: here when it runs here; else through {@code db} when it is stored there (the
     * canceller only records a request: the owner ends its own run, keeping its partial answer); else by
     * remembering it.
     *
     * @throws dev.cadre.db.DbException when the run does not run here and the db cannot be read or written
     */
    public CancelResult cancel(String runId, Optional<Db> db) {
        Optional<CancelResult> local = registry.cancelLocal(runId);
        if (local.isPresent()) {
            return local.get();
        }
        if (db.isPresent()) {
            Optional<RunResult> stored = db.get().requestCancel(runId, RunRegistry.cancelReason(runId));
            if (stored.isPresent()) {
                RunResult run = stored.get();
                if (run.status().isTerminal()) {
                    return CancelResult.alreadyFinished(runId, run.status(), run.error().map(RunFailure::message));
                }
                cancellations.publish(runId); // a cross-process cancellation manager delivers it at once
                return CancelResult.requested(runId, run.status());
            }
        }
        return registry.rememberCancel(runId).orElseGet(() -> CancelResult.notFound(runId));
    }
}
