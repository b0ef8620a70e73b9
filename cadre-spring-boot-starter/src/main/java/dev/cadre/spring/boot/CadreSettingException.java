package dev.cadre.spring.boot;

/**
 * A {@code cadre.*} setting the starter cannot use: the message says which property and why. Spring Boot shows it as
 * the reason the application failed to start ({@link CadreFailureAnalyzer}).
 */
public final class CadreSettingException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final String property;

    CadreSettingException(String property, String message, Throwable cause) {
        super(message, cause);
        this.property = property;
    }

    CadreSettingException(String property, String message) {
        super(message);
        this.property = property;
    }

    /** The property at fault, such as {@code cadre.db} or {@code cadre.models.default.provider}. */
    public String property() {
        return property;
    }
}
