package dev.cadre.jdbc;

import static org.junit.jupiter.api.Assertions.fail;

import dev.cadre.db.ForwardingDb;
import dev.cadre.db.Db;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The PostgreSQL server the tests use: {@code CADRE_TEST_PG_URL}, or the local one at
 * 127.0.0.1:5432 (database {@code test}, user {@code postgres}). Each test gets a schema of its own,
 * dropped afterwards, so test runs never see each other's rows.
 *
 * <p>When the server is unreachable the PostgreSQL tests are skipped with a message saying how to
 * enable them, except in CI (environment variable {@code CI} set), where they fail. Shared with other
 * modules' tests through this module's test jar.
 */
public final class TestPostgres {

    public static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

    private static volatile Boolean reachable;
    private static volatile String unreachableBecause;

    private TestPostgres() {
    }

    public static String url() {
        String env = System.getenv("CADRE_TEST_PG_URL");
        return env == null || env.isBlank() ? DEFAULT_URL : env.strip();
    }

    /** Skips the calling test (or fails it, in CI) when PostgreSQL is not reachable. */
    public static void require() {
        if (reachable == null) {
            synchronized (TestPostgres.class) {
                if (reachable == null) {
                    DriverManager.setLoginTimeout(3);
                    try (Connection c = DriverManager.getConnection(url())) {
                        reachable = c.isValid(3);
                    } catch (SQLException e) {
                        unreachableBecause = e.getMessage();
                        reachable = false;
                    }
                }
            }
        }
        if (!reachable) {
            String message = "PostgreSQL not reachable at " + PostgresDb.Builder.describe(url())
                    + " — start it or set CADRE_TEST_PG_URL; in CI these tests fail instead of skipping ("
                    + unreachableBecause + ")";
            String ci = System.getenv("CI");
            if (ci != null && !ci.isBlank()) {
                fail(message);
            }
            Assumptions.abort(message);
        }
    }

    /** Creates a fresh, uniquely named schema. */
    public static String createSchema() {
        String schema = "cadre_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16)
                .toLowerCase(Locale.ROOT);
        execute("CREATE SCHEMA " + schema);
        return schema;
    }

    public static void dropSchema(String schema) {
        execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }

    public static void execute(String sql) {
        try (Connection c = DriverManager.getConnection(url()); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("Test setup failed on PostgreSQL: " + sql + ": " + e.getMessage(), e);
        }
    }

    /** A builder on the test server and {@code schema}. */
    public static PostgresDb.Builder builder(String schema) {
        return PostgresDb.builder().url(url()).schema(schema).maxPoolSize(8);
    }

    /**
     * A store in a fresh schema of its own, which its {@code close()} drops after closing the store. Skips the test
     * (or fails it, in CI) when the test server cannot be reached.
     */
    public static Db storeInFreshSchema() {
        require();
        String schema = createSchema();
        return new ForwardingDb(builder(schema).build()) {
            @Override
            public void close() {
                try {
                    super.close();
                } finally {
                    dropSchema(schema);
                }
            }
        };
    }

    /**
     * A fresh schema for each test, dropped after it: {@code @RegisterExtension final TestPostgres.FreshSchema schema =
     * new TestPostgres.FreshSchema();} then {@code schema.name()}. Skips the test (or fails it, in CI) when the test
     * server cannot be reached.
     */
    public static final class FreshSchema implements BeforeEachCallback, AfterEachCallback {
        private String name;

        public String name() {
            if (name == null) {
                throw new IllegalStateException("The schema exists only while a test runs");
            }
            return name;
        }

        @Override
        public void beforeEach(ExtensionContext context) {
            require();
            name = createSchema();
        }

        @Override
        public void afterEach(ExtensionContext context) {
            if (name != null) {
                dropSchema(name);
                name = null;
            }
        }
    }
}
