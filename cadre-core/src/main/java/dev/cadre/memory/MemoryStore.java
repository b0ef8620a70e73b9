package dev.cadre.memory;

import dev.cadre.db.Page;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Where a {@link dev.cadre.db.Db} keeps user memories ({@link dev.cadre.db.Db#memories()}).
 *
 * <p>Implementations are thread-safe; every method does what it says or throws
 * {@link dev.cadre.db.DbException}, and ids and texts are accepted or refused as
 * {@link dev.cadre.db.StoredText} says. {@code owner} arguments narrow a call to one user's memories: another
 * user's memory is then treated exactly as one that does not exist.
 */
public interface MemoryStore {

    /** The memories matching the query, in its order. */
    Page<UserMemory> list(MemoryQuery query);

    /** All memories of one user, oldest first (by creation, then id): what a run's prompt and memory step see. */
    List<UserMemory> ofUser(String userId);

    /** One memory by id; empty when there is none, or (with an owner) when it is another user's. */
    Optional<UserMemory> get(String memoryId, Optional<String> owner);

    /**
     * Writes a memory: a new one with its creation time set to now, or an existing one of the same user with its
     * text, topics, origin and input replaced (its creation time kept). Its update time is set to now either way.
     *
     * @return the memory as stored; empty when the id is another user's memory (nothing is written)
     * @throws IllegalArgumentException when an id or a text is not storable
     */
    Optional<UserMemory> upsert(UserMemory memory);

    /** Deletes one memory; returns whether there was one to delete (of {@code owner}, when given). */
    boolean delete(String memoryId, Optional<String> owner);

    /** Deletes the memories with these ids (of {@code owner}, when given) in one transaction; returns how many. */
    int delete(Collection<String> memoryIds, Optional<String> owner);

    /** Every topic of the memories (of {@code owner}, when given), each once, in alphabetical order. */
    List<String> topics(Optional<String> owner);

    /**
     * Per user: how many memories, and the last update; users last updated first (ties by user id).
     *
     * @param page 1-based
     * @param limit 1 to 1000
     */
    Page<MemoryStats> userStats(Optional<String> owner, int page, int limit);
}
