package dev.cadre.event;

/** An event of a team run: the {@code TeamRun…} family. */
public sealed interface TeamRunEvent extends RunEvent
        permits TeamRunStarted, TeamRunContent, TeamRunContentCompleted, TeamToolCallStarted, TeamToolCallCompleted, TeamModelRequestStarted, TeamModelRequestCompleted, TeamRunCompleted, TeamRunError, TeamRunCancelled, TeamRunContinued, TeamMemoryUpdateStarted, TeamMemoryUpdateCompleted {

    String teamId();

    String teamName();

    @Override
    default String componentId() {
        return teamId();
    }

    @Override
    default String componentName() {
        return teamName();
    }
}
