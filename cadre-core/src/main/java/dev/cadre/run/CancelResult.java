package dev.cadre.run;

import java.util.Objects;
import java.util.Optional;

/**
 * What a {@code cancelRun} call did. Cancelling is idempotent: cancelling a cancelled run again
 * reports it as {@link Outcome#ALREADY_FINISHED} with status {@code CANCELLED} (or
 * {@link Outcome#CANCELLED} while it is still winding down).
 *
 * <p>A cancel of a run of this process waits briefly for the run's end to be stored, so that the
 * answer says what the store holds. When the store cannot take it (it is unreachable),
 * {@link #finalStatePending()} is {@code true}: the run has ended as {@link #status()} says, but the
 * store does not show it yet; the engine keeps the state and writes it as soon as the store accepts it.
 *
 * @param status the run's status as far as known: {@code CANCELLED} after a successful cancel, the
 *     final status of a finished run, empty when the run is not known
 * @param message a sentence for a person, saying what happened
 * @param finalStatePending whether the run's end is not stored yet
 */
public record CancelResult(String runId, Outcome outcome, Optional<RunStatus> status, String message,
        boolean finalStatePending) {

    public CancelResult {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(outcome, "outcome");
        status = status == null ? Optional.empty() : status;
        Objects.requireNonNull(message, "message");
    }

    /** A result whose final state, if any, is stored. */
    public CancelResult(String runId, Outcome outcome, Optional<RunStatus> status, String message) {
        this(runId, outcome, status, message, false);
    }

    public enum Outcome {
        /** The run was running (or waiting to start) here and is now cancelled; it ends {@code CANCELLED}. */
        CANCELLED,
        /**
         * The run is owned by another process (or another run manager): its db now holds a cancel request
         * for it, and {@link #status()} is its stored status at the time (it is still running). The owner
         * finds the request at its next cancel-request poll (at once with a cross-process cancellation
         * manager) and ends the run itself, {@code CANCELLED}, keeping its partial answer. A run whose owner
         * is dead is ended {@code CANCELLED} by the orphan sweep.
         */
        REQUESTED,
        /** The run had already ended; {@link #status()} says how. Nothing was changed. */
        ALREADY_FINISHED,
        /**
         * No run with this id is known. The cancel is remembered for a while, so that a run started
         * with this id soon ends {@code CANCELLED} at once (cancel before start).
         */
        NOT_FOUND
    }

    /** Whether the run was stopped, or will be: {@link Outcome#CANCELLED} or {@link Outcome#REQUESTED}. */
    public boolean accepted() {
        return outcome == Outcome.CANCELLED || outcome == Outcome.REQUESTED;
    }

    public static CancelResult cancelled(String runId) {
        return new CancelResult(runId, Outcome.CANCELLED, Optional.of(RunStatus.CANCELLED),
                "Run " + runId + " was cancelled.");
    }

    /** Cancelled, and still stopping (its members, say): it ends {@code CANCELLED}. */
    public static CancelResult cancelling(String runId) {
        return new CancelResult(runId, Outcome.CANCELLED, Optional.of(RunStatus.CANCELLED),
                "Run " + runId + " is being cancelled: it ends CANCELLED once what it started has stopped.");
    }

    public static CancelResult requested(String runId, RunStatus current) {
        return new CancelResult(runId, Outcome.REQUESTED, Optional.of(current),
                "Run " + runId + " runs in another process; the cancel was recorded for it. That process stops "
                        + "it within a second and it ends CANCELLED, keeping its partial answer.");
    }

    public static CancelResult alreadyFinished(String runId, RunStatus status, Optional<String> detail) {
        return new CancelResult(runId, Outcome.ALREADY_FINISHED, Optional.of(status),
                "Run " + runId + " had already ended as " + status + detail.map(d -> ": " + d).orElse("") + ".");
    }

    /**
     * The run has ended as {@code status} ({@code cancelled}: because of this cancel), but the store
     * cannot take its final state now.
     */
    public static CancelResult notStoredYet(String runId, RunStatus status, boolean cancelled) {
        return new CancelResult(runId, cancelled ? Outcome.CANCELLED : Outcome.ALREADY_FINISHED, Optional.of(status),
                "Run " + runId + (cancelled ? " was cancelled" : " had already ended as " + status)
                        + ", but its final state is not stored yet: the store cannot take it now. It is kept and "
                        + "written as soon as the store accepts it; until then the store shows the run as unfinished.",
                true);
    }

    public static CancelResult notFound(String runId) {
        return new CancelResult(runId, Outcome.NOT_FOUND, Optional.empty(), "No run " + runId
                + " is known. If it starts soon with this id, it will be cancelled at once.");
    }
}
