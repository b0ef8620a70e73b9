package dev.cadre.event;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** A piece of the answer, as the model streams it. Sent by a team run. */
public record TeamRunContent(
        Instant createdAt,
        String runId,
        String sessionId,
        Optional<String> parentRunId,
        String teamId,
        String teamName,
        String content,
        String reasoningContent) implements TeamRunEvent, ContentEvent {

    public TeamRunContent {
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(sessionId, "sessionId");
        parentRunId = parentRunId == null ? Optional.empty() : parentRunId;
        Objects.requireNonNull(teamId, "teamId");
        Objects.requireNonNull(teamName, "teamName");
        Objects.requireNonNull(content, "content");
        reasoningContent = reasoningContent == null ? "" : reasoningContent;
    }

    /** A piece of answer without reasoning. */
    public TeamRunContent(Instant createdAt, String runId, String sessionId, Optional<String> parentRunId, String teamId,
            String teamName, String content) {
        this(createdAt, runId, sessionId, parentRunId, teamId, teamName, content, "");
    }
}
