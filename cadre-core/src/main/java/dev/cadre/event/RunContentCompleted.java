package dev.cadre.event;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** The model finished streaming the answer. Sent by an agent run. */
public record RunContentCompleted(
        Instant createdAt,
        String runId,
        String sessionId,
        Optional<String> parentRunId,
        String agentId,
        String agentName) implements AgentRunEvent {

    public RunContentCompleted {
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(sessionId, "sessionId");
        parentRunId = parentRunId == null ? Optional.empty() : parentRunId;
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(agentName, "agentName");
    }
}
