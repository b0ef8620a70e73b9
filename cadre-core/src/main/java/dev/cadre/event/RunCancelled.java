package dev.cadre.event;

import dev.cadre.run.RunStatus;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** The run was cancelled; {@code content} is the partial answer, or the reason when there was none. Terminal. Sent by an agent run. */
public record RunCancelled(
        Instant createdAt,
        String runId,
        String sessionId,
        Optional<String> parentRunId,
        String agentId,
        String agentName,
        String reason,
        String content,
        RunStatus status) implements AgentRunEvent, TerminalEvent {

    public RunCancelled {
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(sessionId, "sessionId");
        parentRunId = parentRunId == null ? Optional.empty() : parentRunId;
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(agentName, "agentName");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(status, "status");
    }
}
