package dev.cadre.anthropic.internal;

import com.anthropic.errors.AnthropicInvalidDataException;
import com.anthropic.errors.AnthropicIoException;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.errors.SseException;
import dev.cadre.model.ModelException;
import dev.cadre.model.support.ModelFailures;

/** Turns SDK failures into {@link ModelException}s whose message says what to do. Not public API. */
public final class Errors {

    private Errors() {
    }

    public static ModelException missingApiKey() {
        return new ModelException("No Anthropic API key: set ANTHROPIC_API_KEY or pass apiKey(...) to the model "
                + "builder.", "authentication_error", null);
    }

    /**
     * @param attempts how many HTTP requests were made, counting retries
     */
    public static ModelException map(Throwable e, Settings s, int attempts) {
        String where = s.baseUrl();
        String tries = ModelFailures.afterAttempts(attempts);
        if (e instanceof ModelException m) {
            return m;
        }
        if (e instanceof SseException sse) {
            return new ModelException("The stream from " + where + " reported an error"
                    + sse.errorType().map(t -> " (" + t + ")").orElse("") + ": " + serverMessage(sse)
                    + (isOverloaded(sse) ? " Anthropic is overloaded; try again later." : ""), "stream_error", e);
        }
        if (e instanceof AnthropicServiceException x) {
            return service(x, s, where, tries);
        }
        if (e instanceof AnthropicInvalidDataException) {
            return new ModelException("Malformed response from " + where + ": " + e.getMessage(),
                    "malformed_response", e);
        }
        if (e instanceof AnthropicIoException) {
            return ModelFailures.transport(e, where, attempts).orElseGet(() -> {
                Throwable cause = e.getCause();
                return new ModelException("The connection to " + where + " failed" + tries + ": "
                        + (cause == null ? e.getMessage() : cause.toString()), "connection_error", e);
            });
        }
        return new ModelException("The call to " + where + " failed: " + e, "model_error", e);
    }

    private static ModelException service(AnthropicServiceException x, Settings s, String where, String tries) {
        int status = x.statusCode();
        String message = serverMessage(x);
        return switch (status) {
            case 400 -> new ModelException("The request was rejected by " + where + " (HTTP 400): " + message,
                    "invalid_request_error", x);
            case 401 -> new ModelException("The API key was rejected by " + where + " (HTTP 401): " + message
                    + " Check ANTHROPIC_API_KEY or the apiKey(...) passed to the model.", "authentication_error", x);
            case 403 -> new ModelException("Access denied by " + where + " (HTTP 403): " + message
                    + " Check that the key's workspace may use model '" + s.id() + "'.", "permission_error", x);
            case 404 -> new ModelException("Model '" + s.id() + "' was not found at " + where + " (HTTP 404): "
                    + message + " Check the model id and the base URL.", "model_not_found", x);
            case 413 -> new ModelException("The request was too large for " + where + " (HTTP 413): " + message
                    + " Shorten the conversation or the tool results.", "request_too_large", x);
            case 429 -> new ModelException("Rate limited by " + where + " (HTTP 429)" + tries + ": " + message
                    + " Lower the request rate or raise the workspace's limits.", "rate_limit_error", x);
            case 529 -> new ModelException("Anthropic is overloaded (HTTP 529" + tries + "): " + message
                    + " Try again later.", "overloaded_error", x);
            default -> status >= 500
                    ? new ModelException(where + " failed with HTTP " + status + tries + ": " + message,
                            "server_error", x)
                    : new ModelException(where + " answered HTTP " + status + tries + ": " + message,
                            "api_error", x);
        };
    }

    private static boolean isOverloaded(AnthropicServiceException e) {
        return e.errorType().map(t -> t.toString().contains("overloaded")).orElse(false);
    }

    /** The server's own error message ({@code error.message}), else the SDK's text. */
    static String serverMessage(AnthropicServiceException e) {
        String m = e.apiMessage().filter(t -> !t.isBlank())
                .orElseGet(() -> e.getMessage() == null ? "" : e.getMessage());
        return m.endsWith(".") || m.isEmpty() ? m : m + ".";
    }
}
