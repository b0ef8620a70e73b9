package dev.cadre.gemini.internal;

import static dev.cadre.model.support.ModelFailures.rootMessage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.google.genai.errors.ApiException;
import com.google.genai.errors.GenAiIOException;
import dev.cadre.model.ModelException;
import dev.cadre.model.support.ModelFailures;

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

    /**
     * @param hints what the error response said beyond its message
     * @param attempts how many HTTP requests were made, counting retries
     */
    public static ModelException map(Throwable e, AbortableCalls.ErrorHints hints, Settings s, int attempts) {
        String where = s.baseUrl();
        String tries = ModelFailures.afterAttempts(attempts);
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
            return ModelFailures.transport(e, where, attempts).orElseGet(() -> new ModelException("The connection to "
                    + where + " failed" + tries + ": " + rootMessage(e), "connection_error", e));
        }
        return new ModelException("The call to Gemini at " + where + " failed: " + rootMessage(e), "model_error", e);
    }

    /** Whether the SDK failed to read what the server sent (it reports that as an I/O failure too). */
    static boolean malformed(Throwable e) {
        return ModelFailures.hasCause(e, JsonProcessingException.class);
    }

    /** The server's own message, ending with a full stop. */
    static String serverMessage(ApiException e) {
        String m = e.message() == null ? "" : e.message().trim();
        return m.isEmpty() || m.endsWith(".") ? m : m + ".";
    }
}
