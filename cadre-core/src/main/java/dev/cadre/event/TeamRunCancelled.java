package dev.cadre.event;

import dev.cadre.run.RunStatus;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** The run was cancelled; {@code content} is the partial answer, or the reason when there was none. Terminal. Sent by a team run. */
public record TeamRunCancelled(
        Instant createdAt,
        String runId,
        String sessionId,
        Optional<String> parentRunId,
        String teamId,
        String teamName,
        String reason,
        String content,
        RunStatus status) implements TeamRunEvent, TerminalEvent {

    public TeamRunCancelled {
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(sessionId, "sessionId");
        parentRunId = parentRunId == null ? Optional.empty() : parentRunId;
        Objects.requireNonNull(teamId, "teamId");
        Objects.requireNonNull(teamName, "teamName");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(status, "status");
    }
}
