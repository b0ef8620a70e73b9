package dev.cadre.run;

import java.util.Objects;

/**
 * Why a run ended as {@code ERROR}.
 *
 * @param type a short machine-readable kind, for example {@code model_error} or {@code tool_error}
 * @param message what went wrong, for a person
 */
public record RunFailure(String type, String message) {
    public RunFailure {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(message, "message");
    }
}
