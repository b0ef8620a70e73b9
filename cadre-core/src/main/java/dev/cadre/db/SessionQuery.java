package dev.cadre.db;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Which sessions to list, in which order. Empty filters match everything.
 *
 * @param nameContains only sessions whose name contains this text, compared after {@link #fold}: a case-blind
 *     substring match on the name a session was given (a session without a name, shown by its first input,
 *     does not match — as AgentOS filters)
 * @param page 1-based page number
 * @param limit sessions per page, 1 to 1000
 */
public record SessionQuery(Optional<SessionType> type, Optional<String> componentId, Optional<String> userId,
        Optional<String> nameContains, SessionOrder order, int page, int limit) {

    public SessionQuery {
        type = type == null ? Optional.empty() : type;
        componentId = componentId == null ? Optional.empty() : componentId;
        userId = userId == null ? Optional.empty() : userId;
        nameContains = nameContains == null ? Optional.empty() : nameContains;
        Objects.requireNonNull(order, "order");
        if (page < 1) {
            throw new IllegalArgumentException("page must be 1 or more, was " + page);
        }
        if (limit < 1 || limit > 1000) {
            throw new IllegalArgumentException("limit must be between 1 and 1000, was " + limit);
        }
    }

    /** Newest first. */
    public SessionQuery(Optional<SessionType> type, Optional<String> componentId, Optional<String> userId, int page,
            int limit) {
        this(type, componentId, userId, Optional.empty(), SessionOrder.NEWEST_FIRST, page, limit);
    }

    /** All sessions, newest first, first page of 20. */
    public static SessionQuery all() {
        return new SessionQuery(Optional.empty(), Optional.empty(), Optional.empty(), 1, 20);
    }

    public SessionQuery withPage(int page, int limit) {
        return new SessionQuery(type, componentId, userId, nameContains, order, page, limit);
    }

    public SessionQuery withType(SessionType t) {
        return new SessionQuery(Optional.of(t), componentId, userId, nameContains, order, page, limit);
    }

    public SessionQuery withComponentId(String id) {
        return new SessionQuery(type, Optional.of(id), userId, nameContains, order, page, limit);
    }

    public SessionQuery withUserId(String id) {
        return new SessionQuery(type, componentId, Optional.of(id), nameContains, order, page, limit);
    }

    public SessionQuery withNameContaining(String text) {
        return new SessionQuery(type, componentId, userId, Optional.of(text), order, page, limit);
    }

    public SessionQuery withOrder(SessionOrder o) {
        return new SessionQuery(type, componentId, userId, nameContains, o, page, limit);
    }

    /** Rows to skip for this page. */
    public int offset() {
        return (page - 1) * limit;
    }

    /** Text as name filters compare it: lower case, the same in every store and whatever the database's collation. */
    public static String fold(String text) {
        return text.toLowerCase(Locale.ROOT);
    }
}
