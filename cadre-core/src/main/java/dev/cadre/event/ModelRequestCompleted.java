package dev.cadre.event;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** A request to the model finished. Sent by an agent run. */
public record ModelRequestCompleted(
        Instant createdAt,
        String runId,
        String sessionId,
        Optional<String> parentRunId,
        String agentId,
        String agentName,
        String model,
        String modelProvider,
        long inputTokens,
        long outputTokens,
        long totalTokens,
        Optional<Duration> timeToFirstToken) implements AgentRunEvent {

    public ModelRequestCompleted {
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(sessionId, "sessionId");
        parentRunId = parentRunId == null ? Optional.empty() : parentRunId;
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(agentName, "agentName");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(modelProvider, "modelProvider");
        timeToFirstToken = timeToFirstToken == null ? Optional.empty() : timeToFirstToken;
    }
}
