package dev.cadre.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.cadre.model.ModelResponse;
import dev.cadre.run.RunMetrics;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The run completed; {@code content} is the whole answer, {@code modelProviderData} what the provider
 * said about the leader's last model response, {@code memberResponses} the runs of the members it
 * delegated to (as in {@code TeamRunOutput}; left out of the JSON when there are none, as in Agno).
 * Terminal. Sent by a team run.
 *
 * <p>The copy of this event kept in the run's own {@code events} has no member runs: the run holds
 * them already.
 */
public record TeamRunCompleted(
        Instant createdAt,
        String runId,
        String sessionId,
        Optional<String> parentRunId,
        String teamId,
        String teamName,
        String content,
        RunStatus status,
        RunMetrics metrics,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> modelProviderData,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<RunResult> memberResponses,
        String contentType)
        implements TeamRunEvent, TerminalEvent {

    public TeamRunCompleted {
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(sessionId, "sessionId");
        parentRunId = parentRunId == null ? Optional.empty() : parentRunId;
        Objects.requireNonNull(teamId, "teamId");
        Objects.requireNonNull(teamName, "teamName");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(metrics, "metrics");
        modelProviderData = ModelResponse.copyProviderData(modelProviderData);
        memberResponses = memberResponses == null ? List.of() : List.copyOf(memberResponses);
        contentType = contentType == null || contentType.isEmpty() ? "str" : contentType;
    }

    /** A completion with a text answer. */
    public TeamRunCompleted(Instant createdAt, String runId, String sessionId, Optional<String> parentRunId,
            String teamId, String teamName, String content, RunStatus status, RunMetrics metrics,
            Map<String, String> modelProviderData, List<RunResult> memberResponses) {
        this(createdAt, runId, sessionId, parentRunId, teamId, teamName, content, status, metrics, modelProviderData,
                memberResponses, "str");
    }

    /** A completion without provider data or member runs. */
    public TeamRunCompleted(Instant createdAt, String runId, String sessionId, Optional<String> parentRunId,
            String teamId, String teamName, String content, RunStatus status, RunMetrics metrics) {
        this(createdAt, runId, sessionId, parentRunId, teamId, teamName, content, status, metrics, Map.of(), List.of());
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

    /** This event without its member runs, as the run's own {@code events} keep it. */
    public TeamRunCompleted withoutMemberResponses() {
        return new TeamRunCompleted(createdAt, runId, sessionId, parentRunId, teamId, teamName, content, status,
                metrics, modelProviderData, List.of(), contentType);
    }
}
