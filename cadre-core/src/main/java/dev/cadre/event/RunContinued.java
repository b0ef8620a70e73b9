package dev.cadre.event;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The run goes on in another process: the one executing it stopped (it died, or handed its runs over on a deploy)
 * and {@code instanceId} resumed it from its last completed step. Sent by an agent run in durable mode, in the run's
 * event log between what the earlier process streamed and what the new one streams; what was done before is not
 * streamed again, but the text of a step that was under way when the earlier process stopped is (that step is done
 * again). Agno's {@code RunContinued}, with where and why in {@code instance_id}, {@code resumed_from} and
 * {@code content}.
 */
public record RunContinued(
        Instant createdAt,
        String runId,
        String sessionId,
        Optional<String> parentRunId,
        String agentId,
        String agentName,
        String instanceId,
        Optional<String> resumedFrom,
        String content) implements AgentRunEvent {

    public RunContinued {
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(sessionId, "sessionId");
        parentRunId = parentRunId == null ? Optional.empty() : parentRunId;
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(agentName, "agentName");
        Objects.requireNonNull(instanceId, "instanceId");
        resumedFrom = resumedFrom == null ? Optional.empty() : resumedFrom;
        Objects.requireNonNull(content, "content");
    }
}
