package dev.cadre.memory;

import dev.cadre.db.StoredText;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * A short fact about a user, kept across sessions (Agno's {@code UserMemory}): written by a component's memory step
 * after its completed runs, or through the AgentOS {@code /memories} routes.
 *
 * @param memoryId the memory's id, unique in its store
 * @param memory the fact, a brief third-person statement such as "User's name is Ada"
 * @param topics what it is about, such as {@code name} or {@code hobbies}; may be empty
 * @param userId whose memory it is
 * @param agentId the agent whose run wrote it, if one did
 * @param teamId the team whose run wrote it, if one did
 * @param input the user's message it was taken from, if it came from a run
 * @param createdAt when it was first written; stores keep it across updates
 * @param updatedAt when it was last written; stores set it on every write
 */
public record UserMemory(String memoryId, String memory, List<String> topics, String userId,
        Optional<String> agentId, Optional<String> teamId, Optional<String> input, Instant createdAt,
        Instant updatedAt) {

    public UserMemory {
        Objects.requireNonNull(memoryId, "memoryId");
        Objects.requireNonNull(memory, "memory");
        topics = List.copyOf(Objects.requireNonNull(topics, "topics"));
        Objects.requireNonNull(userId, "userId");
        agentId = agentId == null ? Optional.empty() : agentId;
        teamId = teamId == null ? Optional.empty() : teamId;
        input = input == null ? Optional.empty() : input;
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    /** A new memory of {@code userId} with a random id, written by no component; the store sets its times. */
    public static UserMemory of(String userId, String memory, List<String> topics) {
        Instant now = Instant.now();
        return new UserMemory(UUID.randomUUID().toString(), memory, topics, userId, Optional.empty(),
                Optional.empty(), Optional.empty(), now, now);
    }

    /** This memory with another text and topics (the same id, user and origin). */
    public UserMemory withMemory(String text, List<String> newTopics) {
        return new UserMemory(memoryId, text, newTopics, userId, agentId, teamId, input, createdAt, updatedAt);
    }

    /**
     * Checks what every store checks before writing this memory: ids as {@link StoredText#checkId}, texts as
     * {@link StoredText#checkText}, a text that is not empty.
     *
     * @throws IllegalArgumentException naming what cannot be stored
     */
    public UserMemory checkStorable() {
        StoredText.checkId("memory id", memoryId);
        StoredText.checkId("user id", userId);
        agentId.ifPresent(a -> StoredText.checkId("agent id", a));
        teamId.ifPresent(t -> StoredText.checkId("team id", t));
        if (memory.isBlank()) {
            throw new IllegalArgumentException("memory must not be empty");
        }
        StoredText.checkText("memory", memory);
        topics.forEach(t -> StoredText.checkText("topic", t));
        input.ifPresent(i -> StoredText.checkText("input", i));
        return this;
    }

    /** This memory as written by a run of an agent or team, from the user's {@code message}. */
    public UserMemory from(Optional<String> agent, Optional<String> team, Optional<String> message) {
        return new UserMemory(memoryId, memory, topics, userId, agent, team, message, createdAt, updatedAt);
    }
}
