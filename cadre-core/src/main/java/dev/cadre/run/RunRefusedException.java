package dev.cadre.run;

import java.util.Objects;

/**
 * A run could not be started. {@link #reason()} says why, so callers (an HTTP server, say) can
 * answer precisely without reading the message; the message says it to a person.
 */
public final class RunRefusedException extends IllegalStateException {

    /** Why a run was refused. */
    public enum Reason {
        /** A run with the requested run id is already running. */
        RUN_ID_IN_USE,
        /** The run manager is shutting down and takes no new runs. */
        SHUT_DOWN,
        /** The agent or team has no model. */
        NO_MODEL,
        /** A background run was asked of an agent or team without a db. */
        NO_DB
    }

    private final Reason reason;

    public RunRefusedException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
