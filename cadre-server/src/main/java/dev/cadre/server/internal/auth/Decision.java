package dev.cadre.server.internal.auth;

import java.util.Objects;

/** What {@link Authenticator#authenticate} decided about one request. Immutable and thread-safe. */
public sealed interface Decision {

    /** The request may proceed; {@code caller} is who made it and what they may do. */
    record Allowed(Caller caller) implements Decision {

        /** @throws NullPointerException if {@code caller} is null */
        public Allowed {
            Objects.requireNonNull(caller, "caller");
        }
    }

    /**
     * The request must be answered with {@code status} (401 or 403) and {@code {"detail": detail}}, as AgentOS does.
     * {@code detail} is safe to show the client: it never holds key material, class names or stack traces.
     */
    record Denied(int status, String detail) implements Decision {

        /** @throws NullPointerException if {@code detail} is null */
        public Denied {
            Objects.requireNonNull(detail, "detail");
        }
    }
}
