package dev.cadre.model.support;

import dev.cadre.model.ModelException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@link ModelException}s that do not depend on the provider: a cancelled call, a transport failure, a
 * stream broken after it handed on output. Their messages say what to do, and name the endpoint ({@code where},
 * the model's base URL) but nothing else of the machine. Thread-safe; every method is pure.
 */
public final class ModelFailures {

    /** The {@link ModelException#errorType()} of a cancelled call. */
    public static final String CANCELLED = "cancelled";

    private ModelFailures() {
    }

    /** The failure of a call ended by its {@link dev.cadre.model.AbortSignal} before any attempt failed. */
    public static ModelException cancelled() {
        return new ModelException("The model call was cancelled.", CANCELLED, null);
    }

    /** The failure of a call ended by its abort signal, whose last attempt failed with {@code cause}. */
    public static ModelException cancelled(Throwable cause) {
        return new ModelException("The model call was cancelled.", CANCELLED, Objects.requireNonNull(cause, "cause"));
    }

    /**
     * Reads the transport failures every HTTP client reports alike: a refused connection, an unknown host, a
     * timeout (OkHttp reports its call and read timeouts as {@link InterruptedIOException}). Empty for any other
     * failure, which the model words itself.
     *
     * @param where the endpoint, for example the model's base URL
     * @param attempts how many attempts were made, counting retries
     */
    public static Optional<ModelException> transport(Throwable e, String where, int attempts) {
        Objects.requireNonNull(e, "e");
        String tries = afterAttempts(attempts);
        if (hasCause(e, ConnectException.class)) {
            return Optional.of(new ModelException("Could not connect to " + where + " (connection refused" + tries
                    + "). Is the server running, and is the base URL right?", "connection_error", e));
        }
        if (hasCause(e, UnknownHostException.class)) {
            return Optional.of(new ModelException("Could not resolve the host of " + where + ". Check the base URL.",
                    "connection_error", e));
        }
        if (hasCause(e, InterruptedIOException.class)) {
            return Optional.of(new ModelException("The request to " + where + " timed out" + tries
                    + ". Raise timeout(...) or check the server.", "timeout_error", e));
        }
        return Optional.empty();
    }

    /**
     * The failure of a stream that broke after it handed on output (and so is not retried): {@code mapped}, the
     * model's own reading of {@code e}, unless that is a {@code connection_error}, which then says the stream
     * broke in the middle.
     */
    public static ModelException brokenStream(ModelException mapped, Throwable e, String where) {
        if (mapped.errorType().equals("connection_error")) {
            return new ModelException("The connection to " + where + " broke in the middle of the stream: "
                    + rootMessage(e), "connection_error", e);
        }
        return mapped;
    }

    /** {@code " after N attempts"} when more than one attempt was made, else empty: for the end of a clause. */
    public static String afterAttempts(int attempts) {
        return attempts > 1 ? " after " + attempts + " attempts" : "";
    }

    /** Whether {@code e} or one of its causes is a {@code type}. */
    public static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    /** The message of the innermost cause of {@code e}, or that cause's name when it has none. */
    public static String rootMessage(Throwable e) {
        Throwable c = e;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.toString() : c.getMessage();
    }
}
