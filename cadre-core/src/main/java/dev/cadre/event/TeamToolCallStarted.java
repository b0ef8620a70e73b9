package dev.cadre.event;

import dev.cadre.run.ToolExecution;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** A tool call started. Sent by a team run. */
public record TeamToolCallStarted(
        Instant createdAt,
        String runId,
        String sessionId,
        Optional<String> parentRunId,
        String teamId,
        String teamName,
        ToolExecution tool) implements TeamRunEvent {

    public TeamToolCallStarted {
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(sessionId, "sessionId");
        parentRunId = parentRunId == null ? Optional.empty() : parentRunId;
        Objects.requireNonNull(teamId, "teamId");
        Objects.requireNonNull(teamName, "teamName");
        Objects.requireNonNull(tool, "tool");
    }
}
