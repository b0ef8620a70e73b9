package dev.cadre.event;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** The model finished streaming the answer. Sent by a team run. */
public record TeamRunContentCompleted(
        Instant createdAt,
        String runId,
        String sessionId,
        Optional<String> parentRunId,
        String teamId,
        String teamName) implements TeamRunEvent {

    public TeamRunContentCompleted {
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(sessionId, "sessionId");
        parentRunId = parentRunId == null ? Optional.empty() : parentRunId;
        Objects.requireNonNull(teamId, "teamId");
        Objects.requireNonNull(teamName, "teamName");
    }
}
