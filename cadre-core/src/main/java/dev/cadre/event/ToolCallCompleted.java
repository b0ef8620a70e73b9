package dev.cadre.event;

import dev.cadre.run.ToolExecution;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** A tool call finished; {@code content} is its result. Sent by an agent run. */
public record ToolCallCompleted(
        Instant createdAt,
        String runId,
        String sessionId,
        Optional<String> parentRunId,
        String agentId,
        String agentName,
        ToolExecution tool,
        String content) implements AgentRunEvent {

    public ToolCallCompleted {
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(sessionId, "sessionId");
        parentRunId = parentRunId == null ? Optional.empty() : parentRunId;
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(agentName, "agentName");
        Objects.requireNonNull(tool, "tool");
        Objects.requireNonNull(content, "content");
    }
}
