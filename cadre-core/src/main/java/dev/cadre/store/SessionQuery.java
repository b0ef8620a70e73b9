package dev.cadre.store;

import java.util.Optional;

/**
 * Which sessions to list. Empty filters match everything.
 *
 * @param page 1-based page number
 * @param limit sessions per page, 1 to 1000
 */
public record SessionQuery(Optional<SessionType> type, Optional<String> componentId, Optional<String> userId,
        int page, int limit) {

    public SessionQuery {
        type = type == null ? Optional.empty() : type;
        componentId = componentId == null ? Optional.empty() : componentId;
        userId = userId == null ? Optional.empty() : userId;
        if (page < 1) {
            throw new IllegalArgumentException("page must be 1 or more, was " + page);
        }
        if (limit < 1 || limit > 1000) {
            throw new IllegalArgumentException("limit must be between 1 and 1000, was " + limit);
        }
    }

    /** All sessions, first page of 20. */
    public static SessionQuery all() {
        return new SessionQuery(Optional.empty(), Optional.empty(), Optional.empty(), 1, 20);
    }

    public SessionQuery withPage(int page, int limit) {
        return new SessionQuery(type, componentId, userId, page, limit);
    }

    public SessionQuery withType(SessionType t) {
        return new SessionQuery(Optional.of(t), componentId, userId, page, limit);
    }

    public SessionQuery withComponentId(String id) {
        return new SessionQuery(type, Optional.of(id), userId, page, limit);
    }

    public SessionQuery withUserId(String id) {
        return new SessionQuery(type, componentId, Optional.of(id), page, limit);
    }

    /** Rows to skip for this page. */
    public int offset() {
        return (page - 1) * limit;
    }
}
