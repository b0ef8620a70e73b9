package dev.cadre.memory;

import java.time.Instant;
import java.util.Objects;

/**
 * How many memories one user has, and when the last one was written (AgentOS's {@code UserStatsSchema}).
 */
public record MemoryStats(String userId, long totalMemories, Instant lastMemoryUpdatedAt) {
    public MemoryStats {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(lastMemoryUpdatedAt, "lastMemoryUpdatedAt");
    }
}
