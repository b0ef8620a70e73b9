package dev.cadre.event;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** A request to the model started. Sent by an agent run. */
public record ModelRequestStarted(
        Instant createdAt,
        String runId,
        String sessionId,
        Optional<String> parentRunId,
        String agentId,
        String agentName,
        String model,
        String modelProvider) implements AgentRunEvent {

    public ModelRequestStarted {
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(sessionId, "sessionId");
        parentRunId = parentRunId == null ? Optional.empty() : parentRunId;
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(agentName, "agentName");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(modelProvider, "modelProvider");
    }
}
