package dev.cadre.event;

import dev.cadre.run.ToolExecution;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** A tool call started. Sent by an agent run. */
public record ToolCallStarted(
        Instant createdAt,
        String runId,
        String sessionId,
        Optional<String> parentRunId,
        String agentId,
        String agentName,
        ToolExecution tool) implements AgentRunEvent {

    public ToolCallStarted {
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(sessionId, "sessionId");
        parentRunId = parentRunId == null ? Optional.empty() : parentRunId;
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(agentName, "agentName");
        Objects.requireNonNull(tool, "tool");
    }
}
