package dev.cadre.db;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A session: a conversation of one agent or team, made of runs.
 *
 * <p>The JSON values ({@code sessionState}, {@code metadata}, {@code summary}) are copied in and out, so a
 * record stays immutable whatever a caller does with the nodes it passed or got.
 *
 * @param componentId the agent or team id
 * @param name a display name, for example set through a rename
 * @param firstInput the input of the session's first top-level run, kept by the store on the session
 *     itself (at most {@value #MAX_FIRST_INPUT} characters) so that a listing can name unnamed
 *     sessions without reading their runs; stores fill it in, callers leave it empty
 * @param sessionState the session's state as clients set it; an empty object by default
 * @param metadata what clients attached to the session, if anything
 * @param summary a summary of the session, if one was given
 * @param usage what the session's finished runs used; stores fill it in, callers leave it empty
 */
public record SessionRecord(
        String sessionId,
        SessionType type,
        String componentId,
        Optional<String> userId,
        Optional<String> name,
        Instant createdAt,
        Instant updatedAt,
        Optional<String> firstInput,
        ObjectNode sessionState,
        Optional<ObjectNode> metadata,
        Optional<ObjectNode> summary,
        SessionUsage usage) {

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
        sessionState = sessionState == null ? JsonNodeFactory.instance.objectNode() : sessionState.deepCopy();
        metadata = metadata == null ? Optional.empty() : metadata.map(ObjectNode::deepCopy);
        summary = summary == null ? Optional.empty() : summary.map(ObjectNode::deepCopy);
        usage = usage == null ? SessionUsage.EMPTY : usage;
    }

    /** A session without a first input yet, as callers create them. */
    public SessionRecord(String sessionId, SessionType type, String componentId, Optional<String> userId,
            Optional<String> name, Instant createdAt, Instant updatedAt) {
        this(sessionId, type, componentId, userId, name, createdAt, updatedAt, Optional.empty());
    }

    /** A session with no state, metadata, summary or usage. */
    public SessionRecord(String sessionId, SessionType type, String componentId, Optional<String> userId,
            Optional<String> name, Instant createdAt, Instant updatedAt, Optional<String> firstInput) {
        this(sessionId, type, componentId, userId, name, createdAt, updatedAt, firstInput, null, Optional.empty(),
                Optional.empty(), SessionUsage.EMPTY);
    }

    @Override
    public ObjectNode sessionState() {
        return sessionState.deepCopy();
    }

    @Override
    public Optional<ObjectNode> metadata() {
        return metadata.map(ObjectNode::deepCopy);
    }

    @Override
    public Optional<ObjectNode> summary() {
        return summary.map(ObjectNode::deepCopy);
    }

    public SessionRecord withName(String newName) {
        return new SessionRecord(sessionId, type, componentId, userId, Optional.of(newName), createdAt, updatedAt,
                firstInput, sessionState, metadata, summary, usage);
    }

    public SessionRecord withSessionState(ObjectNode state) {
        return new SessionRecord(sessionId, type, componentId, userId, name, createdAt, updatedAt, firstInput,
                Objects.requireNonNull(state, "state"), metadata, summary, usage);
    }

    public SessionRecord withMetadata(Optional<ObjectNode> newMetadata) {
        return new SessionRecord(sessionId, type, componentId, userId, name, createdAt, updatedAt, firstInput,
                sessionState, newMetadata, summary, usage);
    }

    public SessionRecord withUsage(SessionUsage newUsage) {
        return new SessionRecord(sessionId, type, componentId, userId, name, createdAt, updatedAt, firstInput,
                sessionState, metadata, summary, newUsage);
    }

    /** This session with {@code update} applied, last updated at {@code now} (never earlier than it was). */
    public SessionRecord updated(SessionUpdate update, Instant now) {
        Instant updated = now.isAfter(updatedAt) ? now : updatedAt;
        return new SessionRecord(sessionId, type, componentId, userId, update.name().or(() -> name), createdAt, updated,
                firstInput, update.sessionState().orElse(sessionState), update.metadata().or(() -> metadata),
                update.summary().or(() -> summary), usage);
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
