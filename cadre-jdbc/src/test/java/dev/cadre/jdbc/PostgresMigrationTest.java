package dev.cadre.jdbc;

import dev.cadre.jdbc.internal.Dialect;
import dev.cadre.store.Store;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

class PostgresMigrationTest extends MigrationContract {

    private String schema;

    @BeforeEach
    void createSchema() {
        TestPostgres.require();
        schema = TestPostgres.createSchema();
    }

    @AfterEach
    void dropSchema() {
        if (schema != null) {
            TestPostgres.dropSchema(schema);
        }
    }

    @Override
    protected Dialect dialect() {
        return Dialect.POSTGRES;
    }

    @Override
    protected Connection connect() throws SQLException {
        Connection c = DriverManager.getConnection(TestPostgres.url());
        c.setSchema(schema);
        return c;
    }

    @Override
    protected FluentConfiguration on(FluentConfiguration c) {
        return c.dataSource(TestPostgres.url(), null, null).schemas(schema).defaultSchema(schema);
    }

    @Override
    protected Store open() {
        return TestPostgres.builder(schema).heartbeatInterval(Duration.ZERO).build();
    }
}
