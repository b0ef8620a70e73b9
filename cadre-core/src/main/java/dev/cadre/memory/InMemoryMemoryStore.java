package dev.cadre.memory;

import dev.cadre.db.Page;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * A {@link MemoryStore} in this process's memory, as {@link dev.cadre.db.InMemoryDb} keeps its memories: the same
 * behaviour as the database stores, lost when the process ends. Thread-safe: every method holds one lock.
 */
public final class InMemoryMemoryStore implements MemoryStore {

    private final Clock clock;
    private final Map<String, UserMemory> memories = new HashMap<>();

    public InMemoryMemoryStore(Clock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized Page<UserMemory> list(MemoryQuery q) {
        List<UserMemory> matching = memories.values().stream().filter(m -> matches(m, q)).sorted(order(q.order()))
                .toList();
        int from = Math.min(q.offset(), matching.size());
        int to = Math.min(from + q.limit(), matching.size());
        return new Page<>(matching.subList(from, to), q.page(), q.limit(), matching.size());
    }

    private static boolean matches(UserMemory m, MemoryQuery q) {
        return q.userId().map(m.userId()::equals).orElse(true)
                && q.agentId().map(a -> m.agentId().equals(Optional.of(a))).orElse(true)
                && q.teamId().map(t -> m.teamId().equals(Optional.of(t))).orElse(true)
                && m.topics().containsAll(q.topics())
                && q.contentContains().map(c -> MemoryQuery.fold(m.memory()).contains(MemoryQuery.fold(c)))
                        .orElse(true);
    }

    /** The order the database stores list in: by the key (absent values as empty text), ties by id reversed. */
    static Comparator<UserMemory> order(MemoryOrder o) {
        Function<UserMemory, String> text = switch (o.key()) {
            case MEMORY -> UserMemory::memory;
            case MEMORY_ID -> UserMemory::memoryId;
            case USER_ID -> UserMemory::userId;
            case AGENT_ID -> m -> m.agentId().orElse("");
            case TEAM_ID -> m -> m.teamId().orElse("");
            default -> null;
        };
        Comparator<UserMemory> key = switch (o.key()) {
            case UPDATED_AT -> Comparator.comparing(UserMemory::updatedAt);
            case CREATED_AT -> Comparator.comparing(UserMemory::createdAt);
            default -> Comparator.comparing(text);
        };
        Comparator<UserMemory> byId = Comparator.comparing(UserMemory::memoryId);
        return o.ascending() ? key.thenComparing(byId.reversed()) : key.reversed().thenComparing(byId);
    }

    @Override
    public synchronized List<UserMemory> ofUser(String userId) {
        return memories.values().stream().filter(m -> m.userId().equals(userId))
                .sorted(Comparator.comparing(UserMemory::createdAt).thenComparing(UserMemory::memoryId)).toList();
    }

    @Override
    public synchronized Optional<UserMemory> get(String memoryId, Optional<String> owner) {
        return Optional.ofNullable(memories.get(memoryId)).filter(m -> owner.map(m.userId()::equals).orElse(true));
    }

    @Override
    public synchronized Optional<UserMemory> upsert(UserMemory memory) {
        memory.checkStorable();
        UserMemory existing = memories.get(memory.memoryId());
        if (existing != null && !existing.userId().equals(memory.userId())) {
            return Optional.empty();
        }
        Instant now = Instant.ofEpochMilli(clock.millis());
        UserMemory stored = new UserMemory(memory.memoryId(), memory.memory(), memory.topics(), memory.userId(),
                memory.agentId(), memory.teamId(), memory.input(), existing != null ? existing.createdAt() : now, now);
        memories.put(stored.memoryId(), stored);
        return Optional.of(stored);
    }

    @Override
    public synchronized boolean delete(String memoryId, Optional<String> owner) {
        if (get(memoryId, owner).isEmpty()) {
            return false;
        }
        memories.remove(memoryId);
        return true;
    }

    @Override
    public synchronized int delete(Collection<String> memoryIds, Optional<String> owner) {
        int deleted = 0;
        for (String id : new TreeSet<>(memoryIds)) {
            deleted += delete(id, owner) ? 1 : 0;
        }
        return deleted;
    }

    @Override
    public synchronized List<String> topics(Optional<String> owner) {
        TreeSet<String> all = new TreeSet<>();
        memories.values().stream().filter(m -> owner.map(m.userId()::equals).orElse(true))
                .forEach(m -> all.addAll(m.topics()));
        return List.copyOf(all);
    }

    @Override
    public synchronized Page<MemoryStats> userStats(Optional<String> owner, int page, int limit) {
        if (page < 1 || limit < 1 || limit > 1000) {
            throw new IllegalArgumentException("page must be 1 or more and limit 1 to 1000, were " + page + " and "
                    + limit);
        }
        Map<String, MemoryStats> byUser = new HashMap<>();
        for (UserMemory m : memories.values()) {
            if (owner.map(m.userId()::equals).orElse(true)) {
                byUser.merge(m.userId(), new MemoryStats(m.userId(), 1, m.updatedAt()), (a, b) -> new MemoryStats(
                        a.userId(), a.totalMemories() + 1, a.lastMemoryUpdatedAt().isAfter(b.lastMemoryUpdatedAt())
                        ? a.lastMemoryUpdatedAt() : b.lastMemoryUpdatedAt()));
            }
        }
        List<MemoryStats> sorted = byUser.values().stream().sorted(Comparator.comparing(
                MemoryStats::lastMemoryUpdatedAt).reversed().thenComparing(MemoryStats::userId)).toList();
        int from = Math.min((page - 1) * limit, sorted.size());
        return new Page<>(sorted.subList(from, Math.min(from + limit, sorted.size())), page, limit, sorted.size());
    }
}
