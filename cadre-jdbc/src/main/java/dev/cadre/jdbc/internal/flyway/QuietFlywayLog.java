package dev.cadre.jdbc.internal.flyway;

import org.flywaydb.core.api.logging.Log;
import org.flywaydb.core.api.logging.LogCreator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flyway's messages, through SLF4J like Cadre's own, with its progress reports one level down: every store
 * that opens checks its schema, and Flyway's ten INFO lines per check ("Database: ...", "Successfully
 * validated ...", "Schema ... is up to date") would fill the log of every application and every
 * {@code cadre} command. Its INFO and NOTICE lines are logged at DEBUG on the same loggers
 * ({@code org.flywaydb...}), so that setting {@code org.flywaydb} to DEBUG brings them back; warnings and
 * errors stay as they are. No logging backend is chosen here: SLF4J's binding is the application's.
 *
 * <p>Named in Flyway's {@code loggers} setting by class name; Flyway instantiates it reflectively (hence
 * the public no-argument constructor and the qualified export to {@code flyway.core}).
 */
public final class QuietFlywayLog implements LogCreator {

    public QuietFlywayLog() {
    }

    @Override
    public Log createLogger(Class<?> clazz) {
        Logger logger = LoggerFactory.getLogger(clazz);
        return new Log() {
            @Override
            public boolean isDebugEnabled() {
                return logger.isDebugEnabled();
            }

            @Override
            public void debug(String message) {
                logger.debug(message);
            }

            @Override
            public void info(String message) {
                logger.debug(message);
            }

            @Override
            public void notice(String message) {
                logger.debug(message);
            }

            @Override
            public void warn(String message) {
                logger.warn(message);
            }

            @Override
            public void error(String message) {
                logger.error(message);
            }

            @Override
            public void error(String message, Exception e) {
                logger.error(message, e);
            }
        };
    }
}
