package dev.cadre.db;

import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import java.util.Optional;

/**
 * Which top-level runs to list across all sessions ({@link Db#listRecentRuns}). Empty filters match everything.
 *
 * @param status only runs in this status
 * @param componentId only runs of this agent or team
 * @param userId only runs of this user
 * @param page 1-based page number
 * @param limit runs per page, 1 to 1000
 */
public record RunQuery(Optional<RunStatus> status, Optional<String> componentId, Optional<String> userId, int page,
        int limit) {

    public RunQuery {
        status = status == null ? Optional.empty() : status;
        componentId = componentId == null ? Optional.empty() : componentId;
        userId = userId == null ? Optional.empty() : userId;
        if (page < 1) {
            throw new IllegalArgumentException("page must be 1 or more, was " + page);
        }
        if (limit < 1 || limit > 1000) {
            throw new IllegalArgumentException("limit must be between 1 and 1000, was " + limit);
        }
    }

    /** All runs, newest first, first page of 20. */
    public static RunQuery all() {
        return new RunQuery(Optional.empty(), Optional.empty(), Optional.empty(), 1, 20);
    }

    public RunQuery withStatus(RunStatus s) {
        return new RunQuery(Optional.of(s), componentId, userId, page, limit);
    }

    public RunQuery withComponentId(String id) {
        return new RunQuery(status, Optional.of(id), userId, page, limit);
    }

    public RunQuery withUserId(String id) {
        return new RunQuery(status, componentId, Optional.of(id), page, limit);
    }

    public RunQuery withPage(int page, int limit) {
        return new RunQuery(status, componentId, userId, page, limit);
    }

    /** Whether a run passes the filters (the page aside). */
    public boolean matches(RunResult run) {
        return run.parentRunId().isEmpty() && status.map(s -> s == run.status()).orElse(true)
                && componentId.map(c -> c.equals(run.componentId())).orElse(true)
                && userId.map(u -> run.userId().filter(u::equals).isPresent()).orElse(true);
    }

    /** Rows to skip for this page. */
    public int offset() {
        return (page - 1) * limit;
    }
}
