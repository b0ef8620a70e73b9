package dev.cadre.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/** The start-up fast path: Flyway is skipped only when the history says every migration is applied. */
class MigrationsTest {

    @TempDir
    Path dir;

    @Test
    void theLatestVersionIsTheNewestMigrationFileOfEachDialect() throws Exception {
        for (Dialect d : Dialect.values()) {
            assertThat(newestVersion(d)).as("newest migration of %s", d).isEqualTo(Migrations.LATEST);
        }
    }

    @Test
    void aFreshDatabaseIsMigratedAndThenSkipped() throws Exception {
        SQLiteDataSource ds = sqlite();
        Tables tables = Tables.of(null, null, null);
        assertThat(Migrations.upToDate(ds, tables, Optional.empty())).isFalse(); // no history table yet

        Migrations.apply(ds, Dialect.SQLITE, tables, Optional.empty(), new SqlErrors(Dialect.SQLITE, "test", ""));

        assertThat(Migrations.upToDate(ds, tables, Optional.empty())).isTrue();
    }

    @Test
    void aFailedOrMissingMigrationInTheHistoryLeavesItToFlyway() throws Exception {
        SQLiteDataSource ds = sqlite();
        Tables tables = Tables.of(null, null, null);
        Migrations.apply(ds, Dialect.SQLITE, tables, Optional.empty(), new SqlErrors(Dialect.SQLITE, "test", ""));
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE " + tables.history() + " SET success = 0 WHERE version = '2'");
        }
        assertThat(Migrations.upToDate(ds, tables, Optional.empty())).isFalse();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("DELETE FROM " + tables.history() + " WHERE version = '" + Migrations.LATEST + "'");
            st.executeUpdate("UPDATE " + tables.history() + " SET success = 1");
        }
        assertThat(Migrations.upToDate(ds, tables, Optional.empty())).isFalse();
    }

    @Test
    void onPostgreSqlTheCheckFindsItsOwnSchemasHistoryAndNoOther() {
        String schema = dev.cadre.jdbc.TestPostgres.createSchema();
        try {
            org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
            ds.setUrl(dev.cadre.jdbc.TestPostgres.url());
            Tables tables = Tables.of(null, null, null);
            assertThat(Migrations.upToDate(ds, tables, Optional.of(schema))).as("a new schema").isFalse();

            Migrations.apply(ds, Dialect.POSTGRES, tables, Optional.of(schema),
                    new SqlErrors(Dialect.POSTGRES, "test", ""));

            assertThat(Migrations.upToDate(ds, tables, Optional.of(schema))).isTrue();
        } finally {
            dev.cadre.jdbc.TestPostgres.dropSchema(schema);
        }
    }

    private SQLiteDataSource sqlite() {
        SQLiteDataSource ds = new SQLiteDataSource();
        ds.setUrl("jdbc:sqlite:" + dir.resolve("m.db"));
        return ds;
    }

    private static int newestVersion(Dialect d) throws URISyntaxException, java.io.IOException {
        String folder = d.migrationLocation().substring("classpath:".length());
        Path path = Path.of(MigrationsTest.class.getClassLoader().getResource(folder).toURI());
        Pattern version = Pattern.compile("V(\\d+)__.*\\.sql");
        try (Stream<Path> files = Files.list(path)) {
            return files.map(f -> version.matcher(f.getFileName().toString())).filter(Matcher::matches)
                    .mapToInt(m -> Integer.parseInt(m.group(1))).max().orElse(0);
        }
    }
}
