package dev.cadre.event;

import dev.cadre.run.RunStatus;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** The run failed; {@code content} is the error message. Terminal. Sent by an agent run. */
public record RunError(
        Instant createdAt,
        String runId,
        String sessionId,
        Optional<String> parentRunId,
        String agentId,
        String agentName,
        String content,
        String errorType,
        RunStatus status) implements AgentRunEvent, TerminalEvent {

    public RunError {
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(sessionId, "sessionId");
        parentRunId = parentRunId == null ? Optional.empty() : parentRunId;
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(agentName, "agentName");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(errorType, "errorType");
        Objects.requireNonNull(status, "status");
    }
}
