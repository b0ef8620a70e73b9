package dev.cadre.internal;

import dev.cadre.db.Db;
import dev.cadre.run.CancellationManager;
import dev.cadre.run.RunExecutor;
import java.time.Duration;
import java.util.Optional;

/**
 * What one engine runs with, all of it owned by one run manager: where runs are stored, registered,
 * executed and observed.
 *
 * @param finalWrites the final writes of {@code db} (present exactly when the db is)
 * @param listeners the manager's listeners (a run adds its component's and its team's)
 */
public record EngineContext(Optional<Db> db, RunRegistry registry, RunExecutor executor,
        CancellationManager cancellations, Duration memberDrainTimeout, int streamBuffer,
        Optional<FinalWrites> finalWrites, EngineThreads threads, Listeners listeners) {
}
