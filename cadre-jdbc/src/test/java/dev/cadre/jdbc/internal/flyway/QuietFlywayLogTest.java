package dev.cadre.jdbc.internal.flyway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.jdbc.SqliteDb;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.flywaydb.core.api.logging.LogFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opening a store logs none of Flyway's progress at INFO, though the application logs {@code org.flywaydb} at
 * INFO (this module's test {@code simplelogger.properties}, on stderr); Flyway's warnings still get through.
 */
class QuietFlywayLogTest {

    @Test
    void migrating_a_new_database_logs_nothing_at_info_but_flyway_warnings_still_show(@TempDir Path dir) {
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        String migrating;
        try {
            SqliteDb.file(dir.resolve("new.db")).close();
            migrating = err.toString(StandardCharsets.UTF_8);
            // Flyway's loggers follow the configuration it was given last, which is Cadre's now.
            LogFactory.getLog(QuietFlywayLogTest.class).info("a Flyway progress report");
            LogFactory.getLog(QuietFlywayLogTest.class).warn("a Flyway warning");
        } finally {
            System.setErr(saved);
        }
        assertThat(migrating).as("stderr while migrating").doesNotContain("flywaydb", "Migrating schema");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("WARN", "a Flyway warning")
                .doesNotContain("a Flyway progress report");
    }
}
