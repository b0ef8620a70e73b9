package dev.cadre.model;

/**
 * A model call failed. The message says what went wrong and what to do about it; it becomes the
 * content of the run that ends as {@code ERROR}.
 */
public class ModelException extends RuntimeException {

    private final String errorType;

    public ModelException(String message) {
        this(message, "model_error", null);
    }

    public ModelException(String message, Throwable cause) {
        this(message, "model_error", cause);
    }

    /**
     * @param errorType a short machine-readable kind, for example {@code authentication_error},
     *     {@code rate_limit_error}, {@code connection_error}; kept on the failed run
     */
    public ModelException(String message, String errorType, Throwable cause) {
        super(message, cause);
        this.errorType = errorType;
    }

    public String errorType() {
        return errorType;
    }
}
