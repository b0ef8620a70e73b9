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
 * The state of one agent run. Immutable; see {@link RunResult} for the fields.
 */
public record RunOutput(
        String runId,
        String agentId,
        String agentName,
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
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> modelProviderData,
        String contentType,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) String reasoningContent) implements RunResult {

    public RunOutput {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(agentName, "agentName");
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
        modelProviderData = ModelResponse.copyProviderData(modelProviderData);
        contentType = contentType == null || contentType.isEmpty() ? TEXT : contentType;
        reasoningContent = reasoningContent == null ? "" : reasoningContent;
    }

    /** A run whose answer is text. */
    public RunOutput(String runId, String agentId, String agentName, String sessionId, Optional<String> parentRunId,
            Optional<String> userId, RunInput input, String content, RunStatus status, Optional<RunFailure> error,
            List<Message> messages, List<ToolExecution> tools, RunMetrics metrics, Optional<String> model,
            Optional<String> modelProvider, Instant createdAt, List<RunEvent> events,
            Map<String, String> modelProviderData) {
        this(runId, agentId, agentName, sessionId, parentRunId, userId, input, content, status, error, messages, tools,
                metrics, model, modelProvider, createdAt, events, modelProviderData, TEXT, "");
    }

    /** A run without provider data. */
    public RunOutput(String runId, String agentId, String agentName, String sessionId, Optional<String> parentRunId,
            Optional<String> userId, RunInput input, String content, RunStatus status, Optional<RunFailure> error,
            List<Message> messages, List<ToolExecution> tools, RunMetrics metrics, Optional<String> model,
            Optional<String> modelProvider, Instant createdAt, List<RunEvent> events) {
        this(runId, agentId, agentName, sessionId, parentRunId, userId, input, content, status, error, messages, tools,
                metrics, model, modelProvider, createdAt, events, Map.of());
    }

    @Override
    public String componentId() {
        return agentId;
    }

    @Override
    public String componentName() {
        return agentName;
    }

    @Override
    public RunOutput withStatus(RunStatus status, Optional<RunFailure> error) {
        return new RunOutput(runId, agentId, agentName, sessionId, parentRunId, userId, input, content, status, error,
                messages, tools, metrics, model, modelProvider, createdAt, events, modelProviderData, contentType,
                reasoningContent);
    }
}
