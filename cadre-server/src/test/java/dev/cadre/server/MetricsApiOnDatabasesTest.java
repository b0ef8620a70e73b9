package dev.cadre.server;

import dev.cadre.jdbc.SqliteDb;
import dev.cadre.jdbc.TestPostgres;
import dev.cadre.db.Db;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

/** {@link MetricsApiContract} on SQLite and on PostgreSQL, where the figures are added up in SQL. */
class MetricsApiOnDatabasesTest {

    @Nested
    class OnSqlite extends MetricsApiContract {

        @TempDir
        Path dir;

        @Override
        protected Db newStore() {
            return SqliteDb.builder().file(dir.resolve("metrics.db")).build();
        }
    }

    @Nested
    class OnPostgres extends MetricsApiContract {

        @Override
        protected Db newStore() {
            return TestPostgres.storeInFreshSchema();
        }
    }
}
