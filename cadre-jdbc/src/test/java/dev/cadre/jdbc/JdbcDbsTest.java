package dev.cadre.jdbc;

import static dev.cadre.jdbc.Runs.T0;
import static dev.cadre.jdbc.Runs.teamSession;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.db.InMemoryDb;
import dev.cadre.db.Db;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JdbcDbsTest {

    @TempDir
    Path dir;

    @Test
    void passwords_never_appear_in_error_messages() {
        assertThatThrownBy(() -> JdbcDbs.open("postgresql://cadre:hunter2@127.0.0.1:1/cadre"))
                .isInstanceOf(dev.cadre.db.DbException.class).hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> JdbcDbs.open("jdbc:postgresql://127.0.0.1:1/cadre?user=u&password=hunter2"))
                .isInstanceOf(dev.cadre.db.DbException.class).hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> JdbcDbs.open("mysql://root:hunter2@db/cadre"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("hunter2")
                .hasMessageContaining("mysql://root:***@db/cadre");
        assertThatThrownBy(() -> PostgresDb.builder().url("jdbc:mysql://db/x?password=hunter2"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("hunter2");
    }

    @Test
    void sqlite_forms_open_a_sqlite_file() throws Exception {
        Path file = dir.resolve("cadre.db");
        for (String config : new String[] {"sqlite:" + file, "jdbc:sqlite:" + file, file.toString()}) {
            try (Db store = JdbcDbs.open(config)) {
                assertThat(store).isInstanceOf(SqliteDb.class);
                assertThat(((SqliteDb) store).file()).isEqualTo(file);
            }
        }
    }

    @Test
    void table_names_come_from_cadre_parameters() throws Exception {
        Path file = dir.resolve("cadre.db");
        try (Db seed = JdbcDbs.open("sqlite:" + file + "?session_table=team_bg_exec_sessions");
                Db plain = JdbcDbs.open("sqlite:" + file)) {
            seed.saveSession(teamSession("s1", T0));
            assertThat(plain.getSession("s1")).isEmpty();
            assertThat(seed.getSession("s1")).isPresent();
        }
    }

    @Test
    void memory_is_the_in_memory_store() throws Exception {
        try (Db store = JdbcDbs.open("memory")) {
            assertThat(store).isInstanceOf(InMemoryDb.class);
        }
    }

    @Test
    void unknown_forms_are_refused_with_the_accepted_ones() {
        assertThatThrownBy(() -> JdbcDbs.open("mysql://localhost/db"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sqlite:<file>");
        assertThatThrownBy(() -> JdbcDbs.open("sqlite::memory:"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("memory");
        assertThatThrownBy(() -> JdbcDbs.open("sqlite:x.db?schema=s"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("schema");
    }

    @Test
    void postgres_forms_open_a_postgres_store_in_the_given_schema() throws Exception {
        TestPostgres.require();
        String where = PostgresDb.Builder.describe(TestPostgres.url());
        String schema = "cadre_test_stores_" + Long.toHexString(System.nanoTime());
        try {
            try (Db jdbc = JdbcDbs.open(TestPostgres.url() + (TestPostgres.url().contains("?") ? "&" : "?") + "schema=" + schema)) {
                assertThat(jdbc).isInstanceOf(PostgresDb.class);
                jdbc.saveSession(teamSession("s1", T0));
            }
            if (TestPostgres.url().equals(TestPostgres.DEFAULT_URL)) {
                // The form Agno's db_url uses, driver suffix included.
                try (Db uri = JdbcDbs.open("postgresql+psycopg://postgres@" + where + "?schema=" + schema)) {
                    assertThat(uri).isInstanceOf(PostgresDb.class);
                    assertThat(uri.getSession("s1")).isPresent();
                }
            }
        } finally {
            TestPostgres.dropSchema(schema);
        }
    }
}
