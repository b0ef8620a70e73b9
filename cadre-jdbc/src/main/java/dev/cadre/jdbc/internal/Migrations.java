package dev.cadre.jdbc.internal;

import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * Applies Cadre's versioned schema migrations with Flyway. The table names are Flyway placeholders;
 * each set of tables has its own history table, so stores with different table names in one
 * database migrate independently.
 */
public final class Migrations {

    private Migrations() {
    }

    /**
     * Brings the schema up to date. Safe to call from several processes at once on PostgreSQL (Flyway
     * takes an advisory lock).
     */
    public static void apply(DataSource dataSource, Dialect dialect, Tables tables, Optional<String> schema,
            SqlErrors errors) {
        try {
            var config = Flyway.configure(Migrations.class.getClassLoader())
                    .dataSource(dataSource)
                    .locations(dialect.migrationLocation())
                    .placeholders(tables.placeholders())
                    .table(tables.history())
                    // The tables may share a database (and schema) with other tables, which Flyway
                    // would refuse as "non-empty schema": baseline below version 1, so all of
                    // Cadre's migrations still run.
                    .baselineOnMigrate(true)
                    .baselineVersion("0")
                    .cleanDisabled(true)
                    .validateMigrationNaming(true);
            schema.ifPresent(s -> config.schemas(s).defaultSchema(s).createSchemas(true));
            config.load().migrate();
        } catch (FlywayException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw errors.translate("Migrating the schema of the " + errors.target(), cause instanceof Exception
                    ? cause : e);
        }
    }
}
