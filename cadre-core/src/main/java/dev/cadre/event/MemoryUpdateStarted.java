package dev.cadre.event;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The memory step of an agent run starts writing what it learned about the user (Agno's memory update). Sent after the
 * content completed and before the run's completion, by components with user memories, for runs with a user id.
 */
public record MemoryUpdateStarted(
        Instant createdAt,
        String runId,
        String sessionId,
        Optional<String> parentRunId,
        String agentId,
        String agentName) implements AgentRunEvent {

    public MemoryUpdateStarted {
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(sessionId, "sessionId");
        parentRunId = parentRunId == null ? Optional.empty() : parentRunId;
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(agentName, "agentName");
    }
}
