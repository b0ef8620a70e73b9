package dev.cadre.jdbc.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * Applies Cadre's versioned schema migrations with Flyway. The table names are Flyway placeholders;
 * each set of tables has its own history table, so stores with different table names in one
 * database migrate independently.
 */
public final class Migrations {

    /** The newest migration's version, in both dialects' folders (a test holds it to the files). */
    static final int LATEST = 6;

    private Migrations() {
    }

    /**
     * Brings the schema up to date. Safe to call from several processes at once on PostgreSQL: one migrates
     * at a time, under an advisory lock, and the others find the schema up to date.
     */
    public static void apply(DataSource dataSource, Dialect dialect, Tables tables, Optional<String> schema,
            SqlErrors errors) {
        if (upToDate(dataSource, tables, schema)) {
            return; // Flyway's own check costs a second of start-up (its classes), for nothing to do
        }
        if (dialect != Dialect.POSTGRES) {
            migrate(dataSource, dialect, tables, schema, errors);
            return;
        }
        // Flyway locks its migrations, but not the creation of its history table on a schema without one: processes
        // of a fleet started at once on a new database each try to create it, and all but one fail. One at a time.
        String key = "cadre-migrations:" + schema.orElse("") + "." + tables.history();
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_lock(hashtext(?))")) {
                ps.setString(1, key);
                ps.execute();
            }
            try {
                if (!upToDate(dataSource, tables, schema)) {
                    migrate(dataSource, dialect, tables, schema, errors);
                }
            } finally {
                try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_unlock(hashtext(?))")) {
                    ps.setString(1, key);
                    ps.execute();
                }
            }
        } catch (SQLException e) {
            throw errors.translate("Migrating the schema of the " + errors.target(), e);
        }
    }

    private static void migrate(DataSource dataSource, Dialect dialect, Tables tables, Optional<String> schema,
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
                    .validateMigrationNaming(true)
                    // Its progress reports at DEBUG rather than ten INFO lines per store opened; see QuietFlywayLog.
                    .loggers(dev.cadre.jdbc.internal.flyway.QuietFlywayLog.class.getName());
            schema.ifPresent(s -> config.schemas(s).defaultSchema(s).createSchemas(true));
            config.load().migrate();
        } catch (FlywayException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw errors.translate("Migrating the schema of the " + errors.target(), cause instanceof Exception
                    ? cause : e);
        }
    }

    /**
     * Whether the history table already records every migration up to {@link #LATEST} as applied, none failed.
     * Anything else — no history table, an older schema, a failed migration, any error — is Flyway's to handle.
     */
    static boolean upToDate(DataSource dataSource, Tables tables, Optional<String> schema) {
        String history = schema.map(s -> s + ".").orElse("") + tables.history();
        try (Connection c = dataSource.getConnection()) {
            // Asked of the catalogue first: selecting from a table that is not there yet is an ERROR line in the
            // server's log for every new schema.
            try (ResultSet t = c.getMetaData().getTables(null, schema.orElse(null), tables.history(), null)) {
                if (!t.next()) {
                    return false;
                }
            }
            return applied(c, history);
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    private static boolean applied(Connection c, String history) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT version, success FROM " + history)) {
            Set<String> applied = new HashSet<>();
            while (rs.next()) {
                if (!rs.getBoolean(2)) {
                    return false;
                }
                if (rs.getString(1) != null) {
                    applied.add(rs.getString(1));
                }
            }
            for (int v = 1; v <= LATEST; v++) {
                if (!applied.contains(Integer.toString(v))) {
                    return false;
                }
            }
            return true;
        }
    }
}
