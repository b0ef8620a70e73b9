package dev.cadre.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A session: a conversation of one agent or team, made of runs.
 *
 * @param componentId the agent or team id
 * @param name a display name, for example set through a rename
 * @param firstInput the input of the session's first top-level run, kept by the store on the session
 *     itself (at most {@value #MAX_FIRST_INPUT} characters) so that a listing can name unnamed
 *     sessions without reading their runs; stores fill it in, callers leave it empty
 */
public record SessionRecord(
        String sessionId,
        SessionType type,
        String componentId,
        Optional<String> userId,
        Optional<String> name,
        Instant createdAt,
        Instant updatedAt,
        Optional<String> firstInput) {

    /** How much of the first input a session keeps. */
    public static final int MAX_FIRST_INPUT = 1_000;

    public SessionRecord {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(componentId, "componentId");
        userId = userId == null ? Optional.empty() : userId;
        name = name == null ? Optional.empty() : name;
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        firstInput = firstInput == null ? Optional.empty() : firstInput.map(SessionRecord::truncate);
    }

    /** A session without a first input yet, as callers create them. */
    public SessionRecord(String sessionId, SessionType type, String componentId, Optional<String> userId,
            Optional<String> name, Instant createdAt, Instant updatedAt) {
        this(sessionId, type, componentId, userId, name, createdAt, updatedAt, Optional.empty());
    }

    public SessionRecord withName(String newName) {
        return new SessionRecord(sessionId, type, componentId, userId, Optional.of(newName), createdAt, updatedAt,
                firstInput);
    }

    /** The name to show: the session's name, else its first run's input (as Agno does), else empty. */
    public String displayName() {
        return name.or(() -> firstInput).orElse("");
    }

    /** The first input as a session keeps it: cut to {@value #MAX_FIRST_INPUT} characters. */
    public static String truncate(String input) {
        if (input.length() <= MAX_FIRST_INPUT) {
            return input;
        }
        int end = MAX_FIRST_INPUT;
        if (Character.isHighSurrogate(input.charAt(end - 1))) {
            end--; // never cut a character in half
        }
        return input.substring(0, end);
    }
}
