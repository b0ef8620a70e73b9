package dev.cadre.memory;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Which memories to list, in which order. Empty filters match everything.
 *
 * @param topics only memories that have every one of these topics
 * @param contentContains only memories whose text contains this, compared case-blind ({@link #fold})
 * @param page 1-based page number
 * @param limit memories per page, 1 to 1000
 */
public record MemoryQuery(Optional<String> userId, Optional<String> agentId, Optional<String> teamId,
        List<String> topics, Optional<String> contentContains, MemoryOrder order, int page, int limit) {

    public MemoryQuery {
        userId = userId == null ? Optional.empty() : userId;
        agentId = agentId == null ? Optional.empty() : agentId;
        teamId = teamId == null ? Optional.empty() : teamId;
        topics = List.copyOf(Objects.requireNonNull(topics, "topics"));
        contentContains = contentContains == null ? Optional.empty() : contentContains;
        Objects.requireNonNull(order, "order");
        if (page < 1) {
            throw new IllegalArgumentException("page must be 1 or more, was " + page);
        }
        if (limit < 1 || limit > 1000) {
            throw new IllegalArgumentException("limit must be between 1 and 1000, was " + limit);
        }
    }

    /** All memories, last updated first, first page of 20. */
    public static MemoryQuery all() {
        return new MemoryQuery(Optional.empty(), Optional.empty(), Optional.empty(), List.of(), Optional.empty(),
                MemoryOrder.NEWEST_FIRST, 1, 20);
    }

    public MemoryQuery withUserId(String id) {
        return new MemoryQuery(Optional.of(id), agentId, teamId, topics, contentContains, order, page, limit);
    }

    public MemoryQuery withAgentId(String id) {
        return new MemoryQuery(userId, Optional.of(id), teamId, topics, contentContains, order, page, limit);
    }

    public MemoryQuery withTeamId(String id) {
        return new MemoryQuery(userId, agentId, Optional.of(id), topics, contentContains, order, page, limit);
    }

    public MemoryQuery withTopics(List<String> all) {
        return new MemoryQuery(userId, agentId, teamId, all, contentContains, order, page, limit);
    }

    public MemoryQuery withContentContaining(String text) {
        return new MemoryQuery(userId, agentId, teamId, topics, Optional.of(text), order, page, limit);
    }

    public MemoryQuery withOrder(MemoryOrder o) {
        return new MemoryQuery(userId, agentId, teamId, topics, contentContains, o, page, limit);
    }

    public MemoryQuery withPage(int p, int l) {
        return new MemoryQuery(userId, agentId, teamId, topics, contentContains, order, p, l);
    }

    /** Rows to skip for this page. */
    public int offset() {
        return (page - 1) * limit;
    }

    /** Text as content searches compare it: lower case, the same in every store. */
    public static String fold(String text) {
        return text.toLowerCase(Locale.ROOT);
    }
}
