package dev.cadre.db;

import dev.cadre.run.RunStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What a chart of runs needs of one top-level run ({@link Db#recentRunSummaries}): not its messages, events or
 * content.
 *
 * @param runId the run
 * @param status its status when read
 * @param createdAt when it started
 * @param duration from its start to its end; empty while it runs
 */
public record RunSummary(String runId, RunStatus status, Instant createdAt, Optional<Duration> duration) {

    public RunSummary {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
        duration = duration == null ? Optional.empty() : duration;
    }
}
