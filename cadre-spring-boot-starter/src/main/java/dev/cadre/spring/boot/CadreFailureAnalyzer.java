package dev.cadre.spring.boot;

import dev.cadre.server.config.ConfigException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;

/**
 * Turns a start that failed on Cadre's settings into Spring Boot's "APPLICATION FAILED TO START" report: the setting's
 * own message (a bad {@code cadre.*} property, or the line of a bad {@code cadre.config} file) instead of a stack of
 * bean-creation exceptions.
 */
public final class CadreFailureAnalyzer implements FailureAnalyzer {

    @Override
    public FailureAnalysis analyze(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof CadreSettingException e) {
                return new FailureAnalysis(e.getMessage(), "Correct " + e.property()
                        + " (in application.properties or application.yml, or its environment variable).", e);
            }
            if (t instanceof ConfigException e) {
                return new FailureAnalysis(e.getMessage(), "Correct the file named by cadre.config at that line.", e);
            }
        }
        return null;
    }
}
