package dev.cadre.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.cadre.event.RunEvent;
import dev.cadre.model.Message;
import dev.cadre.model.ModelResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The state of one team run. Immutable; see {@link RunResult} for the fields.
 *
 * <p>{@code memberResponses} holds the runs of the members this team run delegated to, in the
 * order they started; each has {@code parentRunId} equal to this run's id.
 */
public record TeamRunOutput(
        String runId,
        String teamId,
        String teamName,
        String sessionId,
        Optional<String> parentRunId,
        Optional<String> userId,
        RunInput input,
        String content,
        RunStatus status,
        Optional<RunFailure> error,
        List<Message> messages,
        List<ToolExecution> tools,
        RunMetrics metrics,
        Optional<String> model,
        Optional<String> modelProvider,
        Instant createdAt,
        List<RunEvent> events,
        List<RunResult> memberResponses,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> modelProviderData,
        String contentType,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) String reasoningContent) implements RunResult {

    public TeamRunOutput {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(teamId, "teamId");
        Objects.requireNonNull(teamName, "teamName");
        Objects.requireNonNull(sessionId, "sessionId");
        parentRunId = parentRunId == null ? Optional.empty() : parentRunId;
        userId = userId == null ? Optional.empty() : userId;
        input = input == null ? new RunInput("") : input;
        content = content == null ? "" : content;
        Objects.requireNonNull(status, "status");
        error = error == null ? Optional.empty() : error;
        messages = messages == null ? List.of() : List.copyOf(messages);
        tools = tools == null ? List.of() : List.copyOf(tools);
        metrics = metrics == null ? RunMetrics.EMPTY : metrics;
        model = model == null ? Optional.empty() : model;
        modelProvider = modelProvider == null ? Optional.empty() : modelProvider;
        Objects.requireNonNull(createdAt, "createdAt");
        events = events == null ? List.of() : List.copyOf(events);
        memberResponses = memberResponses == null ? List.of() : List.copyOf(memberResponses);
        modelProviderData = ModelResponse.copyProviderData(modelProviderData);
        contentType = contentType == null || contentType.isEmpty() ? TEXT : contentType;
        reasoningContent = reasoningContent == null ? "" : reasoningContent;
    }

    /** A run whose answer is text. */
    public TeamRunOutput(String runId, String teamId, String teamName, String sessionId, Optional<String> parentRunId,
            Optional<String> userId, RunInput input, String content, RunStatus status, Optional<RunFailure> error,
            List<Message> messages, List<ToolExecution> tools, RunMetrics metrics, Optional<String> model,
            Optional<String> modelProvider, Instant createdAt, List<RunEvent> events, List<RunResult> memberResponses,
            Map<String, String> modelProviderData) {
        this(runId, teamId, teamName, sessionId, parentRunId, userId, input, content, status, error, messages, tools,
                metrics, model, modelProvider, createdAt, events, memberResponses, modelProviderData, TEXT, "");
    }

    /** A run without provider data. */
    public TeamRunOutput(String runId, String teamId, String teamName, String sessionId, Optional<String> parentRunId,
            Optional<String> userId, RunInput input, String content, RunStatus status, Optional<RunFailure> error,
            List<Message> messages, List<ToolExecution> tools, RunMetrics metrics, Optional<String> model,
            Optional<String> modelProvider, Instant createdAt, List<RunEvent> events, List<RunResult> memberResponses) {
        this(runId, teamId, teamName, sessionId, parentRunId, userId, input, content, status, error, messages, tools,
                metrics, model, modelProvider, createdAt, events, memberResponses, Map.of());
    }

    @Override
    public String componentId() {
        return teamId;
    }

    @Override
    public String componentName() {
        return teamName;
    }

    @Override
    public TeamRunOutput withStatus(RunStatus status, Optional<RunFailure> error) {
        return new TeamRunOutput(runId, teamId, teamName, sessionId, parentRunId, userId, input, content, status,
                error, messages, tools, metrics, model, modelProvider, createdAt, events, memberResponses,
                modelProviderData, contentType,
                reasoningContent);
    }

    /** This run with the given member runs; for stores that keep member runs in their own rows. */
    public TeamRunOutput withMemberResponses(List<RunResult> members) {
        return new TeamRunOutput(runId, teamId, teamName, sessionId, parentRunId, userId, input, content, status,
                error, messages, tools, metrics, model, modelProvider, createdAt, events, members, modelProviderData,
                contentType, reasoningContent);
    }
}
