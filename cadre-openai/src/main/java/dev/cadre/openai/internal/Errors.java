package dev.cadre.openai.internal;

import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIInvalidDataException;
import com.openai.errors.OpenAIIoException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.PermissionDeniedException;
import com.openai.errors.RateLimitException;
import com.openai.errors.SseException;
import com.openai.errors.UnauthorizedException;
import dev.cadre.model.ModelException;
import dev.cadre.model.support.ModelFailures;

/** Turns SDK failures into {@link ModelException}s whose message says what to do. Not public API. */
public final class Errors {

    private Errors() {
    }

    public static ModelException missingApiKey() {
        return new ModelException("No OpenAI API key: set OPENAI_API_KEY or pass apiKey(...) to the model builder.",
                "authentication_error", null);
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
            return new ModelException("The stream from " + where + " reported an error: " + serverMessage(sse),
                    "stream_error", e);
        }
        if (e instanceof UnauthorizedException u) {
            return new ModelException("The API key was rejected by " + where + " (HTTP 401): " + serverMessage(u)
                    + " Check OPENAI_API_KEY or the apiKey(...) passed to the model.", "authentication_error", e);
        }
        if (e instanceof PermissionDeniedException p) {
            return new ModelException("Access denied by " + where + " (HTTP 403): " + serverMessage(p)
                    + " Check that the key's project may use model '" + s.id() + "'.", "permission_error", e);
        }
        if (e instanceof NotFoundException n) {
            return new ModelException("Model '" + s.id() + "' was not found at " + where + " (HTTP 404): "
                    + serverMessage(n) + " Check the model id and the base URL.", "model_not_found", e);
        }
        if (e instanceof RateLimitException r) {
            String quota = r.code().filter("insufficient_quota"::equals).isPresent()
                    ? " The account is out of quota: check its plan and billing." : "";
            return new ModelException("Rate limited by " + where + " (HTTP 429)" + tries + ": " + serverMessage(r)
                    + quota, "rate_limit_error", e);
        }
        if (e instanceof BadRequestException b) {
            return new ModelException("The request was rejected by " + where + " (HTTP 400): " + serverMessage(b),
                    "invalid_request_error", e);
        }
        if (e instanceof InternalServerException i) {
            return new ModelException(where + " failed with HTTP " + i.statusCode() + tries + ": "
                    + serverMessage(i), "server_error", e);
        }
        if (e instanceof OpenAIServiceException other) {
            return new ModelException(where + " answered HTTP " + other.statusCode() + tries + ": "
                    + serverMessage(other), "api_error", e);
        }
        if (e instanceof OpenAIInvalidDataException) {
            return new ModelException("Malformed response from " + where + ": " + e.getMessage(),
                    "malformed_response", e);
        }
        if (e instanceof OpenAIIoException) {
            return ModelFailures.transport(e, where, attempts).orElseGet(() -> {
                Throwable cause = e.getCause();
                return new ModelException("The connection to " + where + " failed" + tries + ": "
                        + (cause == null ? e.getMessage() : cause.toString()), "connection_error", e);
            });
        }
        return new ModelException("The call to " + where + " failed: " + e, "model_error", e);
    }

    /** The server's own error message, without the SDK's {@code "429: "} prefix. */
    static String serverMessage(OpenAIServiceException e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        int colon = m.indexOf(": ");
        if (colon > 0 && colon <= 4 && m.substring(0, colon).chars().allMatch(Character::isDigit)) {
            m = m.substring(colon + 2);
        }
        return m.endsWith(".") || m.isEmpty() ? m : m + ".";
    }
}
