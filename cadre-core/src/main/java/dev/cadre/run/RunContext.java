package dev.cadre.run;

import dev.cadre.model.AbortSignal;
import java.util.Objects;
import java.util.Optional;

/**
 * What a tool knows about the run that called it.
 *
 * @param runId the calling run
 * @param sessionId the session of the calling run
 * @param userId the user the run is for, when given
 * @param parentRunId for a member run, the team run that delegated to it
 * @param componentId the agent or team that runs
 * @param cancellation aborted when the run is cancelled; long-running tools can check it or register
 *     an abort action (they are also interrupted)
 */
public record RunContext(String runId, String sessionId, Optional<String> userId, Optional<String> parentRunId,
        String componentId, AbortSignal cancellation) {

    public RunContext {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(sessionId, "sessionId");
        userId = userId == null ? Optional.empty() : userId;
        parentRunId = parentRunId == null ? Optional.empty() : parentRunId;
        Objects.requireNonNull(componentId, "componentId");
        Objects.requireNonNull(cancellation, "cancellation");
    }

    /** Whether the run was cancelled; a tool that loops should stop when it was. */
    public boolean isCancelled() {
        return cancellation.isAborted();
    }
}
