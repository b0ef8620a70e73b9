package dev.cadre.event;

import dev.cadre.memory.UserMemory;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The memory step of a team run has written what it learned about the user: {@code memories} are the user's
 * memories as they are now (empty when they could not be read). Sent after the content completed and before the run's
 * completion, by components with user memories, for runs with a user id.
 */
public record TeamMemoryUpdateCompleted(
        Instant createdAt,
        String runId,
        String sessionId,
        Optional<String> parentRunId,
        String teamId,
        String teamName,
        List<UserMemory> memories) implements TeamRunEvent {

    public TeamMemoryUpdateCompleted {
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(sessionId, "sessionId");
        parentRunId = parentRunId == null ? Optional.empty() : parentRunId;
        Objects.requireNonNull(teamId, "teamId");
        Objects.requireNonNull(teamName, "teamName");
        memories = List.copyOf(Objects.requireNonNull(memories, "memories"));
    }
}
