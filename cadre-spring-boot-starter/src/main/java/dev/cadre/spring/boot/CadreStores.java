package dev.cadre.spring.boot;

import dev.cadre.db.Db;
import dev.cadre.db.DbException;
import dev.cadre.db.InMemoryDb;
import dev.cadre.jdbc.JdbcDbs;
import dev.cadre.jdbc.PostgresDb;
import dev.cadre.server.config.CadreConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Chooses and opens the store of an application that defines no {@code Db} bean of its own. */
final class CadreStores {

    private static final Logger LOG = LoggerFactory.getLogger(CadreStores.class);

    private CadreStores() {
    }

    /**
     * {@code cadre.db}, else the store of the {@code cadre.config} file, else the application's DataSource when it is
     * PostgreSQL's, else an in-memory store.
     *
     * @throws CadreSettingException naming {@code cadre.db} when it is not a store Cadre can open, or is set beside a
     *     {@code cadre.config} file (whose {@code db:} names the store of its agents and teams)
     */
    static Db open(CadreProperties properties, Optional<CadreConfig.Components> file, Optional<DataSource> dataSource) {
        Optional<String> setting = properties.store();
        if (setting.isPresent()) {
            if (file.isPresent()) {
                throw new CadreSettingException("cadre.db", "cadre.db and cadre.config both name a store: the file's "
                        + "agents and teams use the db: of " + properties.config()
                        + "; leave cadre.db out, or put it in the file");
            }
            return fromSetting(setting.get());
        }
        if (file.isPresent()) {
            return file.get().db();
        }
        if (dataSource.isPresent() && isPostgres(dataSource.get())) {
            LOG.info("Cadre stores its sessions and runs in the application's PostgreSQL DataSource");
            return PostgresDb.builder().dataSource(dataSource.get()).build();
        }
        LOG.warn("Cadre keeps its sessions and runs in memory (nothing is kept across restarts): set cadre.db, e.g. "
                + "cadre.db=sqlite:cadre.db");
        return new InMemoryDb();
    }

    private static Db fromSetting(String setting) {
        try {
            return JdbcDbs.open(setting);
        } catch (IllegalArgumentException e) {
            throw new CadreSettingException("cadre.db", "cadre.db '" + JdbcDbs.redacted(setting)
                    + "' is not a store Cadre can open: " + e.getMessage(), e);
        } catch (DbException e) {
            throw new CadreSettingException("cadre.db", "cadre.db '" + JdbcDbs.redacted(setting)
                    + "' cannot be opened: " + e.getMessage(), e);
        }
    }

    private static boolean isPostgres(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            return "PostgreSQL".equals(c.getMetaData().getDatabaseProductName());
        } catch (SQLException e) {
            throw new IllegalStateException("Cadre would store its runs in the application's DataSource, but it cannot "
                    + "connect (" + e.getMessage() + "); set cadre.db to choose another store", e);
        }
    }
}
