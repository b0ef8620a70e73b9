package dev.cadre.event;

import dev.cadre.run.RunStatus;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** The run failed; {@code content} is the error message. Terminal. Sent by a team run. */
public record TeamRunError(
        Instant createdAt,
        String runId,
        String sessionId,
        Optional<String> parentRunId,
        String teamId,
        String teamName,
        String content,
        String errorType,
        RunStatus status) implements TeamRunEvent, TerminalEvent {

    public TeamRunError {
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(sessionId, "sessionId");
        parentRunId = parentRunId == null ? Optional.empty() : parentRunId;
        Objects.requireNonNull(teamId, "teamId");
        Objects.requireNonNull(teamName, "teamName");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(errorType, "errorType");
        Objects.requireNonNull(status, "status");
    }
}
