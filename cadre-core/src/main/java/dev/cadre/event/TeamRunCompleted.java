package dev.cadre.event;

import dev.cadre.run.RunMetrics;
import dev.cadre.run.RunStatus;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** The run completed; {@code content} is the whole answer. Terminal. Sent by a team run. */
public record TeamRunCompleted(
        Instant createdAt,
        String runId,
        String sessionId,
        Optional<String> parentRunId,
        String teamId,
        String teamName,
        String content,
        RunStatus status,
        RunMetrics metrics) implements TeamRunEvent, TerminalEvent {

    public TeamRunCompleted {
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(sessionId, "sessionId");
        parentRunId = parentRunId == null ? Optional.empty() : parentRunId;
        Objects.requireNonNull(teamId, "teamId");
        Objects.requireNonNull(teamName, "teamName");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(metrics, "metrics");
    }
}
