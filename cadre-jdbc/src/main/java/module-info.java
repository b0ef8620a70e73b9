/**
 * Cadre's JDBC stores: {@code SqliteDb} and {@code PostgresDb}. {@code dev.cadre.jdbc.internal} (SQL,
 * migrations, liveness) is not exported.
 *
 * <p>Flyway's jar declares no module name, so it is the automatic module named after its file
 * ({@code flyway-core-<version>.jar} is {@code flyway.core}); see README.
 */
@SuppressWarnings({"requires-automatic", "module"})
module dev.cadre.jdbc {
    requires transitive dev.cadre.core;
    requires java.sql;
    requires com.zaxxer.hikari;
    requires org.xerial.sqlitejdbc;
    requires org.postgresql.jdbc;
    requires flyway.core;
    requires org.slf4j;

    exports dev.cadre.jdbc;

    opens dev.cadre.jdbc.internal to com.fasterxml.jackson.databind;
    // Flyway instantiates its log adapter by class name (see QuietFlywayLog).
    opens dev.cadre.jdbc.internal.flyway to flyway.core;
    // Flyway finds the migrations as class-path resources, which a named module shows only from packages
    // it opens to everyone; these two hold SQL files and nothing else.
    opens dev.cadre.jdbc.migration.postgresql;
    opens dev.cadre.jdbc.migration.sqlite;
}
