package dev.cadre.server.internal.auth;

import static org.assertj.core.api.Assertions.assertThat;

/** Reading decisions in assertions. */
final class Decisions {

    private Decisions() {
    }

    /** The caller of an allowed decision; fails the test on a denial, showing its detail. */
    static Caller caller(Decision decision) {
        assertThat(decision).isInstanceOf(Decision.Allowed.class);
        return ((Decision.Allowed) decision).caller();
    }

    static Decision.Denied denied(int status, String detail) {
        return new Decision.Denied(status, detail);
    }
}
