package dev.cadre.event;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;
import java.util.Optional;

/**
 * Something that happened in a run, as streamed by {@code stream()} and stored with the run.
 *
 * <p>Names and JSON fields follow Agno's event catalogue: agent runs send the {@code Run…} events
 * ({@link AgentRunEvent}), team runs the {@code TeamRun…} ones ({@link TeamRunEvent}). A team's
 * stream also carries its members' events, whose {@link #parentRunId()} is the team run's id. Every
 * stream ends with exactly one {@link TerminalEvent} for the run itself, which carries its final
 * status.
 *
 * <pre>{@code
 * for (RunEvent e : stream) switch (e) {
 *     case TeamRunContent c -> System.out.print(c.content());
 *     case TeamRunCancelled c -> System.out.println("cancelled: " + c.reason());
 *     default -> { }
 * }
 * }</pre>
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "event")
@JsonSubTypes({
        @JsonSubTypes.Type(value = RunStarted.class, name = "RunStarted"),
        @JsonSubTypes.Type(value = RunContent.class, name = "RunContent"),
        @JsonSubTypes.Type(value = RunContentCompleted.class, name = "RunContentCompleted"),
        @JsonSubTypes.Type(value = ToolCallStarted.class, name = "ToolCallStarted"),
        @JsonSubTypes.Type(value = ToolCallCompleted.class, name = "ToolCallCompleted"),
        @JsonSubTypes.Type(value = ModelRequestStarted.class, name = "ModelRequestStarted"),
        @JsonSubTypes.Type(value = ModelRequestCompleted.class, name = "ModelRequestCompleted"),
        @JsonSubTypes.Type(value = RunCompleted.class, name = "RunCompleted"),
        @JsonSubTypes.Type(value = RunError.class, name = "RunError"),
        @JsonSubTypes.Type(value = RunCancelled.class, name = "RunCancelled"),
        @JsonSubTypes.Type(value = RunContinued.class, name = "RunContinued"),
        @JsonSubTypes.Type(value = TeamRunStarted.class, name = "TeamRunStarted"),
        @JsonSubTypes.Type(value = TeamRunContent.class, name = "TeamRunContent"),
        @JsonSubTypes.Type(value = TeamRunContentCompleted.class, name = "TeamRunContentCompleted"),
        @JsonSubTypes.Type(value = TeamToolCallStarted.class, name = "TeamToolCallStarted"),
        @JsonSubTypes.Type(value = TeamToolCallCompleted.class, name = "TeamToolCallCompleted"),
        @JsonSubTypes.Type(value = TeamModelRequestStarted.class, name = "TeamModelRequestStarted"),
        @JsonSubTypes.Type(value = TeamModelRequestCompleted.class, name = "TeamModelRequestCompleted"),
        @JsonSubTypes.Type(value = TeamRunCompleted.class, name = "TeamRunCompleted"),
        @JsonSubTypes.Type(value = TeamRunError.class, name = "TeamRunError"),
        @JsonSubTypes.Type(value = TeamRunCancelled.class, name = "TeamRunCancelled"),
        @JsonSubTypes.Type(value = TeamRunContinued.class, name = "TeamRunContinued"),
        @JsonSubTypes.Type(value = MemoryUpdateStarted.class, name = "MemoryUpdateStarted"),
        @JsonSubTypes.Type(value = MemoryUpdateCompleted.class, name = "MemoryUpdateCompleted"),
        @JsonSubTypes.Type(value = TeamMemoryUpdateStarted.class, name = "TeamMemoryUpdateStarted"),
        @JsonSubTypes.Type(value = TeamMemoryUpdateCompleted.class, name = "TeamMemoryUpdateCompleted")
})
public sealed interface RunEvent permits AgentRunEvent, TeamRunEvent, ContentEvent, TerminalEvent {

    /** Agno's name of the event, for example {@code TeamRunContent}; the {@code event} field in JSON. */
    default String event() {
        return getClass().getSimpleName();
    }

    Instant createdAt();

    String runId();

    String sessionId();

    /** For a member's event inside a team stream: the team run that delegated to the member. */
    Optional<String> parentRunId();

    /** The id of the agent or team whose run sent the event. */
    String componentId();

    /** The name of the agent or team whose run sent the event. */
    String componentName();

    /**
     * How deep in nested workflows the event comes from; always 0: Agno counts only workflows, which
     * Cadre does not have, so a member's event in a team stream (at any depth of nested teams) is 0
     * too and says where it comes from with {@link #parentRunId()}.
     */
    @JsonProperty("nested_depth")
    default int nestedDepth() {
        return 0;
    }
}
