package dev.cadre.event;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** The run started. Sent by a team run. */
public record TeamRunStarted(
        Instant createdAt,
        String runId,
        String sessionId,
        Optional<String> parentRunId,
        String teamId,
        String teamName,
        String model,
        String modelProvider) implements TeamRunEvent {

    public TeamRunStarted {
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(sessionId, "sessionId");
        parentRunId = parentRunId == null ? Optional.empty() : parentRunId;
        Objects.requireNonNull(teamId, "teamId");
        Objects.requireNonNull(teamName, "teamName");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(modelProvider, "modelProvider");
    }
}
