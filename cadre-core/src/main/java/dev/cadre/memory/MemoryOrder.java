package dev.cadre.memory;

import java.util.Objects;

/**
 * The order of a memory listing. Memories with equal keys are ordered by memory id, the same way in every store,
 * so that paging through a listing never repeats or skips one.
 */
public record MemoryOrder(Key key, boolean ascending) {

    /** What memories are ordered by; {@link #column()} is the AgentOS {@code sort_by} name. */
    public enum Key {
        UPDATED_AT("updated_at"), CREATED_AT("created_at"), MEMORY("memory"), MEMORY_ID("memory_id"),
        USER_ID("user_id"), AGENT_ID("agent_id"), TEAM_ID("team_id");

        private final String column;

        Key(String column) {
            this.column = column;
        }

        public String column() {
            return column;
        }
    }

    /** Last updated first: AgentOS's default. */
    public static final MemoryOrder NEWEST_FIRST = new MemoryOrder(Key.UPDATED_AT, false);

    public MemoryOrder {
        Objects.requireNonNull(key, "key");
    }
}
