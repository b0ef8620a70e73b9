package dev.cadre.jdbc;

import dev.cadre.jdbc.internal.Dialect;
import dev.cadre.db.Db;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresMigrationTest extends MigrationContract {

    @RegisterExtension
    final TestPostgres.FreshSchema schema = new TestPostgres.FreshSchema();

    @Override
    protected Dialect dialect() {
        return Dialect.POSTGRES;
    }

    @Override
    protected Connection connect() throws SQLException {
        Connection c = DriverManager.getConnection(TestPostgres.url());
        c.setSchema(schema.name());
        return c;
    }

    @Override
    protected FluentConfiguration on(FluentConfiguration c) {
        return c.dataSource(TestPostgres.url(), null, null).schemas(schema.name()).defaultSchema(schema.name());
    }

    @Override
    protected Db open() {
        return TestPostgres.builder(schema.name()).heartbeatInterval(Duration.ZERO).build();
    }
}
