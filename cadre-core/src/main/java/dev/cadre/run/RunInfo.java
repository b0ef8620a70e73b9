package dev.cadre.run;

import java.util.Optional;

/**
 * Who a run is, as {@link RunListener}s see it: its ids and what it is a run of. Immutable.
 *
 * @param parentRunId the team run that started this member run; empty for a run started by a caller
 * @param team whether this is a run of a team (else of an agent)
 */
public record RunInfo(String runId, String sessionId, String componentId, String componentName,
        Optional<String> parentRunId, Optional<String> userId, boolean team) {
}
