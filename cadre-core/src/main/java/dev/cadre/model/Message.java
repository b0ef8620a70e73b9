package dev.cadre.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * One message of a conversation.
 *
 * @param id unique id of the message
 * @param role who wrote it
 * @param content its text; empty for an assistant message that only calls tools
 * @param toolCalls for an assistant message, the tools it called
 * @param toolCallId for a tool message, the call it answers
 * @param toolName for a tool message, the tool that produced it
 * @param fromHistory whether it was added from an earlier run of the session
 * @param createdAt when it was made
 */
public record Message(
        String id,
        Role role,
        String content,
        List<ToolCall> toolCalls,
        Optional<String> toolCallId,
        Optional<String> toolName,
        boolean fromHistory,
        Instant createdAt) {

    public Message {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        toolCallId = toolCallId == null ? Optional.empty() : toolCallId;
        toolName = toolName == null ? Optional.empty() : toolName;
        Objects.requireNonNull(createdAt, "createdAt");
    }

    public static Message system(String content) {
        return of(Role.SYSTEM, content);
    }

    public static Message user(String content) {
        return of(Role.USER, content);
    }

    public static Message assistant(String content) {
        return of(Role.ASSISTANT, content);
    }

    public static Message assistant(String content, List<ToolCall> toolCalls) {
        return new Message(newId(), Role.ASSISTANT, content, toolCalls, Optional.empty(), Optional.empty(),
                false, now());
    }

    public static Message toolResult(ToolCall call, String result) {
        return new Message(newId(), Role.TOOL, result, List.of(), Optional.of(call.id()), Optional.of(call.name()),
                false, now());
    }

    private static Message of(Role role, String content) {
        return new Message(newId(), role, content, List.of(), Optional.empty(), Optional.empty(), false, now());
    }

    /** This message marked as coming from an earlier run of the session. */
    public Message asHistory() {
        return new Message(id, role, content, toolCalls, toolCallId, toolName, true, createdAt);
    }

    /** Now, in whole seconds: times are epoch seconds on the wire, so values round-trip exactly. */
    private static Instant now() {
        return Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    }

    private static String newId() {
        return UUID.randomUUID().toString();
    }
}
