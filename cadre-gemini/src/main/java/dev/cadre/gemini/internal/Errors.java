package dev.cadre.gemini.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.google.genai.errors.ApiException;
import com.google.genai.errors.GenAiIOException;
import dev.cadre.model.ModelException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.UnknownHostException;

/** Turns SDK failures into {@link ModelException}s whose message says what to do. Not public API. */
public final class Errors {

    private static final String KEY_HINT = " Check GEMINI_API_KEY (or GOOGLE_API_KEY) or the apiKey(...) passed to "
            + "the model; keys are made at https://aistudio.google.com/apikey.";

    private Errors() {
    }

    public static ModelException missingApiKey() {
        return new ModelException("No Gemini API key: set GEMINI_API_KEY (or GOOGLE_API_KEY) or pass apiKey(...) to "
                + "the model builder.", "authentication_error", null);
    }

    public static ModelException cancelled(Throwable cause) {
        return new ModelException("The model call was cancelled.", "cancelled", cause);
    }

    /**
     * @param hints what the error response said beyond its message
     * @param attempts how many HTTP requests were made, counting retries
     */
    public static ModelException map(Throwable e, AbortableCalls.ErrorHints hints, Settings s, int attempts) {
        String where = s.baseUrl();
        String tries = attempts > 1 ? " after " + attempts + " attempts" : "";
        if (e instanceof ModelException m) {
            return m;
        }
        if (e instanceof ApiException api) {
            String http = " (HTTP " + api.code() + (api.status() == null || api.status().isEmpty() ? ""
                    : " " + api.status()) + ")";
            String message = serverMessage(api);
            boolean badKey = hints.reason().filter(r -> r.startsWith("API_KEY")).isPresent()
                    || message.contains("API key not valid") || message.contains("API key expired");
            if (badKey || api.code() == 401) {
                return new ModelException("The API key was rejected by Gemini at " + where + http + ": " + message
                        + KEY_HINT, "authentication_error", e);
            }
            return switch (api.code()) {
                case 403 -> new ModelException("Access denied by Gemini at " + where + http + ": " + message
                        + " Check that the key's project has the Gemini API enabled and may use model '" + s.id()
                        + "'.", "permission_error", e);
                case 404 -> new ModelException("Model '" + s.id() + "' was not found at " + where + http + ": "
                        + message + " Check the model id (for example gemini-2.5-flash) and the base URL.",
                        "model_not_found", e);
                case 429 -> new ModelException("Gemini's quota or rate limit was exceeded" + http + tries + ": "
                        + message + " Wait and try again, send fewer requests, or raise the project's quota "
                        + "(plan and billing).", "rate_limit_error", e);
                case 400 -> new ModelException("The request was rejected by Gemini at " + where + http + ": "
                        + message, "invalid_request_error", e);
                case 503 -> new ModelException("Gemini at " + where + " is unavailable" + http + tries + ": "
                        + message + " Try again later or use another model.", "server_error", e);
                default -> api.code() >= 500
                        ? new ModelException("Gemini at " + where + " failed" + http + tries + ": " + message,
                                "server_error", e)
                        : new ModelException("Gemini at " + where + " answered" + http + tries + ": " + message,
                                "api_error", e);
            };
        }
        if (e instanceof GenAiIOException) {
            if (malformed(e)) {
                return new ModelException("Malformed response from Gemini at " + where + ": " + rootMessage(e),
                        "malformed_response", e);
            }
            if (hasCause(e, ConnectException.class)) {
                return new ModelException("Could not connect to " + where + " (connection refused" + tries
                        + "). Is the server running, and is the base URL right?", "connection_error", e);
            }
            if (hasCause(e, UnknownHostException.class)) {
                return new ModelException("Could not resolve the host of " + where + ". Check the base URL.",
                        "connection_error", e);
            }
            // OkHttp reports its call and read timeouts as InterruptedIOException ("timeout").
            if (hasCause(e, InterruptedIOException.class)) {
                return new ModelException("The request to " + where + " timed out" + tries
                        + ". Raise timeout(...) or check the server.", "timeout_error", e);
            }
            return new ModelException("The connection to " + where + " failed" + tries + ": " + rootMessage(e),
                    "connection_error", e);
        }
        return new ModelException("The call to Gemini at " + where + " failed: " + rootMessage(e), "model_error", e);
    }

    /** Whether the SDK failed to read what the server sent (it reports that as an I/O failure too). */
    static boolean malformed(Throwable e) {
        return hasCause(e, JsonProcessingException.class);
    }

    /** The server's own message, ending with a full stop. */
    static String serverMessage(ApiException e) {
        String m = e.message() == null ? "" : e.message().trim();
        return m.isEmpty() || m.endsWith(".") ? m : m + ".";
    }

    static String rootMessage(Throwable e) {
        Throwable c = e;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.toString() : c.getMessage();
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }
}
