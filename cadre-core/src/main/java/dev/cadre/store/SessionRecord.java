package dev.cadre.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A session: a conversation of one agent or team, made of runs.
 *
 * @param componentId the agent or team id
 * @param name a display name, for example set through a rename
 */
public record SessionRecord(
        String sessionId,
        SessionType type,
        String componentId,
        Optional<String> userId,
        Optional<String> name,
        Instant createdAt,
        Instant updatedAt) {

    public SessionRecord {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(componentId, "componentId");
        userId = userId == null ? Optional.empty() : userId;
        name = name == null ? Optional.empty() : name;
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    public SessionRecord withName(String newName) {
        return new SessionRecord(sessionId, type, componentId, userId, Optional.of(newName), createdAt, updatedAt);
    }
}
