package dev.cadre.server;

import dev.cadre.jdbc.SqliteDb;
import dev.cadre.jdbc.TestPostgres;
import dev.cadre.store.Store;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

/** {@link MetricsApiContract} on SQLite and on PostgreSQL, where the figures are added up in SQL. */
class MetricsApiOnDatabasesTest {

    @Nested
    class OnSqlite extends MetricsApiContract {

        @TempDir
        Path dir;

        @Override
        protected Store newStore() {
            return SqliteDb.builder().file(dir.resolve("metrics.db")).build();
        }
    }

    @Nested
    class OnPostgres extends MetricsApiContract {

        private String schema;

        @Override
        protected Store newStore() {
            TestPostgres.require();
            schema = TestPostgres.createSchema();
            return TestPostgres.builder(schema).build();
        }

        @AfterEach
        void dropSchema() {
            if (schema != null) {
                TestPostgres.dropSchema(schema);
            }
        }
    }
}
