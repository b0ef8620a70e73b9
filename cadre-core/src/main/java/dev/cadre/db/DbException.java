package dev.cadre.db;

import java.util.Objects;

/**
 * A store could not do what was asked. The message says what went wrong and what to do; {@link #kind()}
 * says it to a program, so that callers (the engine's retries, an HTTP server) decide without reading
 * messages.
 *
 * <p>Messages are written for the developer who runs the store: they may name the database, its host
 * or its file. Do not show them to end users as they are.
 */
public class DbException extends RuntimeException {

    /** What kind of failure this is. */
    public enum Kind {
        /**
         * The database cannot take the call now: unreachable, restarting, out of connections, locked
         * past the timeout, or its disk is full. The same call may succeed later.
         */
        UNAVAILABLE,
        /** Something with that id exists already (a run id in use). */
        CONFLICT,
        /** What the call refers to does not exist (the run, or the session of a new run). */
        NOT_FOUND,
        /** The store was closed. */
        CLOSED,
        /** Any other failure: a damaged database, a missing privilege, a misconfiguration. */
        FAILED
    }

    private final Kind kind;

    public DbException(Kind kind, String message) {
        super(message);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    public DbException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    /** A failure of kind {@link Kind#FAILED}. */
    public DbException(String message) {
        this(Kind.FAILED, message);
    }

    /** A failure of kind {@link Kind#FAILED}. */
    public DbException(String message, Throwable cause) {
        this(Kind.FAILED, message, cause);
    }

    public Kind kind() {
        return kind;
    }

    /** Whether the same call may succeed later without anything being changed: {@link Kind#UNAVAILABLE}. */
    public boolean isTransient() {
        return kind == Kind.UNAVAILABLE;
    }
}
