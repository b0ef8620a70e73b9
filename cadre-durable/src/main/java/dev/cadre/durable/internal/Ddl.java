package dev.cadre.durable.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * Creates Cadre's own tables beside DBOS's. {@code CREATE ... IF NOT EXISTS} is not safe against a concurrent
 * creation in PostgreSQL (the second fails on the table's type): processes of a fleet started at once on a new
 * database take turns, under a transaction-scoped advisory lock on the schema.
 */
final class Ddl {

    private Ddl() {
    }

    static void create(DataSource connections, String schema, String... statements) throws SQLException {
        try (Connection c = connections.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))");
                    Statement s = c.createStatement()) {
                lock.setString(1, "cadre-durable-ddl:" + schema);
                lock.execute();
                for (String sql : statements) {
                    s.execute(sql);
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }
}
