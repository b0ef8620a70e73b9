package dev.cadre.db;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * What {@link Db#updateSession} changes: each present value replaces the session's, each empty one leaves it
 * as it is.
 *
 * @param summary a session summary as AgentOS keeps it ({@code {"summary": ..., "topics": [...], "updated_at": ...}})
 */
public record SessionUpdate(Optional<String> name, Optional<ObjectNode> sessionState, Optional<ObjectNode> metadata,
        Optional<ObjectNode> summary) {

    public static final SessionUpdate NOTHING = new SessionUpdate(Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty());

    public SessionUpdate {
        name = name == null ? Optional.empty() : name;
        sessionState = sessionState == null ? Optional.empty() : sessionState.map(ObjectNode::deepCopy);
        metadata = metadata == null ? Optional.empty() : metadata.map(ObjectNode::deepCopy);
        summary = summary == null ? Optional.empty() : summary.map(ObjectNode::deepCopy);
    }
}
