package dev.cadre.event;

import dev.cadre.run.RunStatus;

/**
 * The last event of a run: completed, error or cancelled. It carries the run's final status, which
 * is also what the store holds.
 */
public sealed interface TerminalEvent extends RunEvent
        permits RunCompleted, RunError, RunCancelled, TeamRunCompleted, TeamRunError, TeamRunCancelled {

    RunStatus status();

    String content();
}
