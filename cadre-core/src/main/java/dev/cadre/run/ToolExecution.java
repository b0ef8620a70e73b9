package dev.cadre.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One tool call of a run and its outcome.
 *
 * <p>Its JSON is Agno's {@code ToolExecution.to_dict()}: every field is written, absent ones as
 * {@code null}, including Agno's human-in-the-loop fields ({@code requires_confirmation},
 * {@code external_execution_required}, …), which are always {@code null} because Cadre's tools never
 * pause a run.
 *
 * @param toolCallId the model's call id
 * @param toolName the function called
 * @param toolArgs the arguments as parsed JSON (an empty object when they were not valid JSON)
 * @param toolCallError whether the call failed; empty while it runs
 * @param result what the tool returned, or its error text; empty while it runs
 * @param metrics when the call started and ended; empty while it runs
 * @param childRunId for a delegation, the member run it started
 * @param stopAfterToolCall whether the run ended with this call's result (route mode)
 * @param createdAt when the call started
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"tool_call_id", "tool_name", "tool_args", "tool_call_error", "result", "metrics", "child_run_id",
        "stop_after_tool_call", "created_at", "requires_confirmation", "confirmed", "confirmation_note",
        "requires_user_input", "user_input_schema", "user_feedback_schema", "answered",
        "external_execution_required", "external_execution_silent", "approval_type", "approval_id"})
public record ToolExecution(
        String toolCallId,
        String toolName,
        JsonNode toolArgs,
        Optional<Boolean> toolCallError,
        Optional<String> result,
        Optional<ToolCallMetrics> metrics,
        Optional<String> childRunId,
        boolean stopAfterToolCall,
        Instant createdAt) {

    public ToolExecution {
        Objects.requireNonNull(toolCallId, "toolCallId");
        Objects.requireNonNull(toolName, "toolName");
        Objects.requireNonNull(toolArgs, "toolArgs");
        toolCallError = toolCallError == null ? Optional.empty() : toolCallError;
        result = result == null ? Optional.empty() : result;
        metrics = metrics == null ? Optional.empty() : metrics;
        childRunId = childRunId == null ? Optional.empty() : childRunId;
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /**
     * A call without timings; {@code toolCallError} counts only once there is a result (a call that
     * has not returned has not failed yet).
     */
    public ToolExecution(String toolCallId, String toolName, JsonNode toolArgs, Optional<String> result,
            boolean toolCallError, Optional<String> childRunId, boolean stopAfterToolCall, Instant createdAt) {
        this(toolCallId, toolName, toolArgs, result != null && result.isPresent() ? Optional.of(toolCallError)
                : Optional.empty(), result, Optional.empty(), childRunId, stopAfterToolCall, createdAt);
    }

    /** A call that has started and not returned. */
    public static ToolExecution started(String toolCallId, String toolName, JsonNode toolArgs, Instant createdAt) {
        return new ToolExecution(toolCallId, toolName, toolArgs, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), false, createdAt);
    }

    /** This call, returned with {@code result}. */
    public ToolExecution completed(String result, boolean error, Optional<String> childRunId, boolean stop,
            ToolCallMetrics metrics) {
        return new ToolExecution(toolCallId, toolName, toolArgs, Optional.of(error), Optional.of(result),
                Optional.of(metrics), childRunId, stop, createdAt);
    }

    /** Whether the call returned and failed. */
    public boolean failed() {
        return toolCallError.orElse(false);
    }

    // Agno's human-in-the-loop fields: always null here, written so that the JSON has Agno's shape.

    @JsonProperty("requires_confirmation")
    private Optional<Boolean> requiresConfirmation() {
        return Optional.empty();
    }

    @JsonProperty("confirmed")
    private Optional<Boolean> confirmed() {
        return Optional.empty();
    }

    @JsonProperty("confirmation_note")
    private Optional<String> confirmationNote() {
        return Optional.empty();
    }

    @JsonProperty("requires_user_input")
    private Optional<Boolean> requiresUserInput() {
        return Optional.empty();
    }

    @JsonProperty("user_input_schema")
    private Optional<JsonNode> userInputSchema() {
        return Optional.empty();
    }

    @JsonProperty("user_feedback_schema")
    private Optional<JsonNode> userFeedbackSchema() {
        return Optional.empty();
    }

    @JsonProperty("answered")
    private Optional<Boolean> answered() {
        return Optional.empty();
    }

    @JsonProperty("external_execution_required")
    private Optional<Boolean> externalExecutionRequired() {
        return Optional.empty();
    }

    @JsonProperty("external_execution_silent")
    private Optional<Boolean> externalExecutionSilent() {
        return Optional.empty();
    }

    @JsonProperty("approval_type")
    private Optional<String> approvalType() {
        return Optional.empty();
    }

    @JsonProperty("approval_id")
    private Optional<String> approvalId() {
        return Optional.empty();
    }
}
