package dev.cadre.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.cadre.model.ModelResponse;
import dev.cadre.run.RunMetrics;
import dev.cadre.run.RunStatus;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The run completed; {@code content} is the whole answer, {@code modelProviderData} what the provider
 * said about the last model response (see {@code RunResult.modelProviderData()}). Terminal. Sent by an
 * agent run.
 */
public record RunCompleted(
        Instant createdAt,
        String runId,
        String sessionId,
        Optional<String> parentRunId,
        String agentId,
        String agentName,
        String content,
        RunStatus status,
        RunMetrics metrics,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> modelProviderData,
        String contentType)
        implements AgentRunEvent, TerminalEvent {

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
        modelProviderData = ModelResponse.copyProviderData(modelProviderData);
        contentType = contentType == null || contentType.isEmpty() ? "str" : contentType;
    }

    /** A completion with a text answer. */
    public RunCompleted(Instant createdAt, String runId, String sessionId, Optional<String> parentRunId,
            String agentId, String agentName, String content, RunStatus status, RunMetrics metrics,
            Map<String, String> modelProviderData) {
        this(createdAt, runId, sessionId, parentRunId, agentId, agentName, content, status, metrics, modelProviderData,
                "str");
    }

    /** A completion without provider data. */
    public RunCompleted(Instant createdAt, String runId, String sessionId, Optional<String> parentRunId,
            String agentId, String agentName, String content, RunStatus status, RunMetrics metrics) {
        this(createdAt, runId, sessionId, parentRunId, agentId, agentName, content, status, metrics, Map.of());
    }

    /**
     * The type of {@link #content()}: {@code str} for text, else the name of the output schema its JSON passed
     * (see {@code RunResult.contentType()}).
     */
    @Override
    @JsonProperty("content_type")
    public String contentType() {
        return contentType;
    }
}
