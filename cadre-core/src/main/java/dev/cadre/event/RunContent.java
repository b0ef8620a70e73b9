package dev.cadre.event;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** A piece of the answer, as the model streams it. Sent by an agent run. */
public record RunContent(
        Instant createdAt,
        String runId,
        String sessionId,
        Optional<String> parentRunId,
        String agentId,
        String agentName,
        String content,
        String reasoningContent) implements AgentRunEvent, ContentEvent {

    public RunContent {
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(sessionId, "sessionId");
        parentRunId = parentRunId == null ? Optional.empty() : parentRunId;
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(agentName, "agentName");
        Objects.requireNonNull(content, "content");
        reasoningContent = reasoningContent == null ? "" : reasoningContent;
    }

    /** A piece of answer without reasoning. */
    public RunContent(Instant createdAt, String runId, String sessionId, Optional<String> parentRunId, String agentId,
            String agentName, String content) {
        this(createdAt, runId, sessionId, parentRunId, agentId, agentName, content, "");
    }

    /** Always false: Agno sets it for agents that run a workflow, which Cadre does not have. */
    @JsonProperty("workflow_agent")
    public boolean workflowAgent() {
        return false;
    }
}
