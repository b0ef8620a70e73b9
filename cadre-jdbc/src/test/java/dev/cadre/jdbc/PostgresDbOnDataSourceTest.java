package dev.cadre.jdbc;

import static dev.cadre.jdbc.Runs.T0;
import static dev.cadre.jdbc.Runs.teamRun;
import static dev.cadre.jdbc.Runs.teamSession;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cadre.run.RunStatus;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/** A PostgresDb on an application's own DataSource (a Spring Boot application's pool, say). */
class PostgresDbOnDataSourceTest {

    @RegisterExtension
    final TestPostgres.FreshSchema schema = new TestPostgres.FreshSchema();

    private HikariDataSource applicationPool() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(TestPostgres.url() + "&currentSchema=" + schema.name());
        config.setMaximumPoolSize(4);
        return new HikariDataSource(config);
    }

    @Test
    void stores_runs_through_the_given_pool_and_leaves_it_open_when_closed() throws SQLException {
        try (HikariDataSource pool = applicationPool()) {
            try (PostgresDb db = PostgresDb.builder().dataSource(pool).build()) {
                db.saveSession(teamSession("s1", T0));
                db.insertRun(teamRun("r1", "s1", RunStatus.RUNNING), "p");
                db.ping();

                assertThat(db.getRun("r1"))
                        .hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(RunStatus.RUNNING));
                assertThat(db.url()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/test");
            }

            assertThat(pool.isClosed()).isFalse();
            try (Connection c = pool.getConnection(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT status FROM cadre_runs WHERE run_id = 'r1'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("RUNNING");
            }
        }
    }

    @Test
    void a_data_source_of_another_database_is_refused_with_its_name(@TempDir Path dir) {
        SQLiteDataSource sqlite = new SQLiteDataSource();
        sqlite.setUrl("jdbc:sqlite:" + dir.resolve("app.db"));

        assertThatThrownBy(() -> PostgresDb.builder().dataSource(sqlite).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Not a PostgreSQL DataSource: it connects to SQLite");
    }

    @Test
    void a_url_beside_a_data_source_is_refused() {
        try (HikariDataSource pool = applicationPool()) {
            assertThatThrownBy(() -> PostgresDb.builder().dataSource(pool).url(TestPostgres.url()).build())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("do not set url, user, password or schema beside dataSource");
        }
    }
}
