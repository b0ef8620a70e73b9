package dev.cadre.jdbc;

import dev.cadre.jdbc.internal.Dialect;
import dev.cadre.db.Db;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.io.TempDir;

class SqliteMigrationTest extends MigrationContract {

    @TempDir
    Path dir;

    private String url() {
        return "jdbc:sqlite:" + dir.resolve("cadre.db");
    }

    @Override
    protected Dialect dialect() {
        return Dialect.SQLITE;
    }

    @Override
    protected Connection connect() throws SQLException {
        return DriverManager.getConnection(url());
    }

    @Override
    protected FluentConfiguration on(FluentConfiguration c) {
        return c.dataSource(url(), null, null);
    }

    @Override
    protected Db open() {
        return SqliteDb.builder().file(dir.resolve("cadre.db")).heartbeatInterval(Duration.ZERO).build();
    }
}
