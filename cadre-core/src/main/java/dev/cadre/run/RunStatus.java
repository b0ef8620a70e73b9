package dev.cadre.run;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where a run is in its life: {@code PENDING → RUNNING → COMPLETED | ERROR | CANCELLED}.
 *
 * <p>A background run starts as {@code PENDING}; a foreground run as {@code RUNNING}. A run that
 * never starts can go from {@code PENDING} straight to {@code CANCELLED} or {@code ERROR}.
 * {@code COMPLETED}, {@code ERROR} and {@code CANCELLED} are terminal: nothing ever changes them.
 * {@code PAUSED} is reserved for human-in-the-loop runs.
 */
public enum RunStatus {
    PENDING, RUNNING, PAUSED, COMPLETED, ERROR, CANCELLED;

    private static final Set<RunStatus> TERMINAL = EnumSet.of(COMPLETED, ERROR, CANCELLED);

    public boolean isTerminal() {
        return TERMINAL.contains(this);
    }

    /** Whether a run in this status may move to {@code next}. */
    public boolean canMoveTo(RunStatus next) {
        return switch (this) {
            case PENDING -> next == RUNNING || next.isTerminal();
            case RUNNING -> next == PAUSED || next.isTerminal();
            case PAUSED -> next == RUNNING || next.isTerminal();
            case COMPLETED, ERROR, CANCELLED -> false;
        };
    }

    /** The terminal statuses, for stores that write {@code WHERE status NOT IN (...)}. */
    public static Set<RunStatus> terminal() {
        return EnumSet.copyOf(TERMINAL);
    }
}
