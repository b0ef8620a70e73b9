package dev.cadre.event;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A request to the model finished, with its token counts (zero when the provider reports none) and,
 * when it answered with text, the time from the request to the first piece of it.
 * Sent by a team run.
 */
public record TeamModelRequestCompleted(
        Instant createdAt,
        String runId,
        String sessionId,
        Optional<String> parentRunId,
        String teamId,
        String teamName,
        String model,
        String modelProvider,
        long inputTokens,
        long outputTokens,
        long totalTokens,
        Optional<Duration> timeToFirstToken,
        long reasoningTokens,
        long cacheReadTokens,
        long cacheWriteTokens) implements TeamRunEvent {

    public TeamModelRequestCompleted {
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(sessionId, "sessionId");
        parentRunId = parentRunId == null ? Optional.empty() : parentRunId;
        Objects.requireNonNull(teamId, "teamId");
        Objects.requireNonNull(teamName, "teamName");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(modelProvider, "modelProvider");
        timeToFirstToken = timeToFirstToken == null ? Optional.empty() : timeToFirstToken;
    }

    /** A request without reasoning or cache counts. */
    public TeamModelRequestCompleted(Instant createdAt, String runId, String sessionId, Optional<String> parentRunId, String teamId,
            String teamName, String model, String modelProvider, long inputTokens, long outputTokens, long totalTokens,
            Optional<Duration> timeToFirstToken) {
        this(createdAt, runId, sessionId, parentRunId, teamId, teamName, model, modelProvider, inputTokens, outputTokens,
                totalTokens, timeToFirstToken, 0, 0, 0);
    }
}
