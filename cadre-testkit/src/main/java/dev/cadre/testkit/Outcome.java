package dev.cadre.testkit;

import java.util.Objects;

/**
 * How the server's answer to one request ended.
 *
 * @param kind what happened
 * @param atNanos when, on the {@link System#nanoTime()} clock, so tests can compare it with their
 *     own {@code nanoTime()} readings
 */
public record Outcome(Kind kind, long atNanos) {

    public Outcome {
        Objects.requireNonNull(kind, "kind");
    }

    /** How an exchange ended. */
    public enum Kind {
        /** The server wrote the whole answer. */
        COMPLETED,
        /**
         * The client closed (or reset) the connection before the server finished writing: a
         * cancelled request. Detected the moment the socket reports it, even between two chunks.
         */
        CLIENT_DISCONNECTED,
        /** The server closed the connection on purpose (an abrupt close was scripted). */
        SERVER_CLOSED
    }
}
