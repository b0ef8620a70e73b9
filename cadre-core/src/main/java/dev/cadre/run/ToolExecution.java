package dev.cadre.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One tool call of a run and its outcome.
 *
 * @param toolCallId the model's call id
 * @param toolName the function called
 * @param toolArgs the arguments as parsed JSON (an empty object when they were not valid JSON)
 * @param result what the tool returned, or its error text; empty while it runs
 * @param toolCallError whether the call failed
 * @param childRunId for a delegation, the member run it started
 * @param stopAfterToolCall whether the run ended with this call's result (route mode)
 * @param createdAt when the call started
 */
public record ToolExecution(
        String toolCallId,
        String toolName,
        JsonNode toolArgs,
        Optional<String> result,
        boolean toolCallError,
        Optional<String> childRunId,
        boolean stopAfterToolCall,
        Instant createdAt) {

    public ToolExecution {
        Objects.requireNonNull(toolCallId, "toolCallId");
        Objects.requireNonNull(toolName, "toolName");
        Objects.requireNonNull(toolArgs, "toolArgs");
        result = result == null ? Optional.empty() : result;
        childRunId = childRunId == null ? Optional.empty() : childRunId;
        Objects.requireNonNull(createdAt, "createdAt");
    }

    public ToolExecution completed(String result, boolean error, Optional<String> childRunId, boolean stop) {
        return new ToolExecution(toolCallId, toolName, toolArgs, Optional.of(result), error, childRunId, stop, createdAt);
    }
}
