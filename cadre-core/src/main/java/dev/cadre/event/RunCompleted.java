package dev.cadre.event;

import dev.cadre.run.RunMetrics;
import dev.cadre.run.RunStatus;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** The run completed; {@code content} is the whole answer. Terminal. Sent by an agent run. */
public record RunCompleted(
        Instant createdAt,
        String runId,
        String sessionId,
        Optional<String> parentRunId,
        String agentId,
        String agentName,
        String content,
        RunStatus status,
        RunMetrics metrics) implements AgentRunEvent, TerminalEvent {

    public RunCompleted {
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(sessionId, "sessionId");
        parentRunId = parentRunId == null ? Optional.empty() : parentRunId;
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(agentName, "agentName");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(metrics, "metrics");
    }
}
