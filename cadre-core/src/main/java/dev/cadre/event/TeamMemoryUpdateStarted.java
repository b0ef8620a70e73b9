package dev.cadre.event;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The memory step of a team run starts writing what it learned about the user (Agno's memory update). Sent after the
 * content completed and before the run's completion, by components with user memories, for runs with a user id.
 */
public record TeamMemoryUpdateStarted(
        Instant createdAt,
        String runId,
        String sessionId,
        Optional<String> parentRunId,
        String teamId,
        String teamName) implements TeamRunEvent {

    public TeamMemoryUpdateStarted {
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(sessionId, "sessionId");
        parentRunId = parentRunId == null ? Optional.empty() : parentRunId;
        Objects.requireNonNull(teamId, "teamId");
        Objects.requireNonNull(teamName, "teamName");
    }
}
