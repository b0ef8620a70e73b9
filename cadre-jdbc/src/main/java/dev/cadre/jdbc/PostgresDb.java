package dev.cadre.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cadre.jdbc.internal.Availability;
import dev.cadre.jdbc.internal.Dialect;
import dev.cadre.jdbc.internal.JdbcStore;
import dev.cadre.jdbc.internal.Liveness;
import dev.cadre.jdbc.internal.Migrations;
import dev.cadre.jdbc.internal.PostgresCancellations;
import dev.cadre.jdbc.internal.SqlErrors;
import dev.cadre.jdbc.internal.Tables;
import dev.cadre.jdbc.internal.WatchedDataSource;
import dev.cadre.db.FinalStateJournal;
import dev.cadre.db.DbException;
import dev.cadre.run.CancellationManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A {@link dev.cadre.db.Db} in PostgreSQL, through a HikariCP connection pool. JSON columns are
 * {@code jsonb}.
 *
 * <pre>{@code
 * PostgresDb db = PostgresDb.builder()
 *     .url("jdbc:postgresql://localhost:5432/ai").user("ai").password("ai")
 *     .sessionTable("team_bg_exec_sessions")
 *     .build();
 * // or .host("localhost").port(5432).database("ai")
 * }</pre>
 *
 * <p>{@link Builder#build()} connects at once and fails fast with a {@link DbException} that
 * names the server when it cannot; then it migrates the schema (Flyway, safe with several processes
 * starting together). Several processes may share one database: the compare-and-set on terminal
 * statuses happens in the database, and each process's runs are protected by its own heartbeat.
 * Hosts sharing a database should keep their clocks in sync (heartbeats are compared across them).
 *
 * <p>See {@link JdbcDb} for the guarantees shared with {@link SqliteDb}.
 */
public final class PostgresDb extends JdbcDb {

    /** How long the driver tries to open one connection. */
    private static final Duration DRIVER_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /** How long one wait for a pooled connection lasts; callers wait in slices of it. */
    private static final Duration POOL_SLICE = Duration.ofMillis(250);

    private final String url;
    private final String instancesTable;
    private final PostgresCancellations cancellations;
    private final java.util.function.Function<String, javax.sql.DataSource> connectionsFor;

    private PostgresDb(String url, String instancesTable, JdbcStore store, Liveness liveness,
            Optional<FinalStateJournal> journal, List<AutoCloseable> resources, PostgresCancellations cancellations,
            java.util.function.Function<String, javax.sql.DataSource> connectionsFor) {
        super(store, liveness, journal, resources);
        this.url = url;
        this.instancesTable = instancesTable;
        this.cancellations = cancellations;
        this.connectionsFor = connectionsFor;
    }

    /**
     * Cancels between the processes that share this database, at once: give it to each process's run manager
     * ({@code RunManager.builder().cancellationManager(db.cancellations())}) and a cancel through any process (or
     * {@code cadre runs cancel --db}) reaches the process running the run through PostgreSQL
     * {@code LISTEN/NOTIFY} — its model connection is closed and its members stopped within milliseconds, not
     * at its next cancel-request poll. The poll stays as the fallback: a notification missed while a
     * process's listening connection was down costs time, not the cancel.
     *
     * <p>One per database object, shared by the managers that use it; it listens on a connection of its own
     * (outside the pool) from the first subscription on, and stops when this database is closed.
     */
    public CancellationManager cancellations() {
        return cancellations;
    }

    /**
     * Connections of their own to this database's server, as this db's user, for integrations that need a pool
     * of their own beside the db's (the durable executor's engine): not pooled, each {@code getConnection()}
     * opens one. {@code applicationName} names them in {@code pg_stat_activity}.
     */
    public javax.sql.DataSource connections(String applicationName) {
        return connectionsFor.apply(applicationName);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The heartbeat table, as SQL names it from any connection to this database (with its schema, when the db has
     * one): {@code instance_id TEXT}, {@code heartbeat_at BIGINT} (epoch milliseconds). For integrations that read
     * heartbeats in transactions of their own — the durable executor locks a process's row while it records that
     * process's death, so that no beat of it can land meanwhile.
     */
    public String instancesTable() {
        return instancesTable;
    }

    /** The server and database, as {@code jdbc:postgresql://host:port/db} (never with credentials). */
    public String url() {
        return url;
    }

    @Override
    public String toString() {
        return "PostgresDb[" + url + "]";
    }

    /** Settings for a {@link PostgresDb}; not thread-safe, build once. */
    public static final class Builder extends JdbcDbBuilder<Builder> {
        private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

        private String url;
        private String host = "localhost";
        private int port = 5432;
        private String database = "postgres";
        private String user;
        private String password;
        private String schema;
        private int maxPoolSize = 10;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration lockTimeout = Duration.ofSeconds(10);
        private javax.sql.DataSource dataSource;

        private Builder() {
        }

        /**
         * The JDBC URL, e.g. {@code jdbc:postgresql://localhost:5432/ai}; it may carry user and
         * password as parameters. Takes precedence over host, port and database.
         */
        public Builder url(String url) {
            if (!url.startsWith("jdbc:postgresql:")) {
                throw new IllegalArgumentException("Not a PostgreSQL JDBC URL (jdbc:postgresql://host:port/db): "
                        + dev.cadre.jdbc.internal.Redact.secrets(url));
            }
            this.url = url;
            return this;
        }

        /** The server's host; default {@code localhost}. Ignored when a URL is given. */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** The server's port; default 5432. Ignored when a URL is given. */
        public Builder port(int port) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            this.port = port;
            return this;
        }

        /** The database; default {@code postgres}. Ignored when a URL is given. */
        public Builder database(String database) {
            this.database = Objects.requireNonNull(database, "database");
            return this;
        }

        public Builder user(String user) {
            this.user = Objects.requireNonNull(user, "user");
            return this;
        }

        public Builder password(String password) {
            this.password = Objects.requireNonNull(password, "password");
            return this;
        }

        /**
         * The schema for Cadre's tables, created if missing; default: the user's current schema
         * (normally {@code public}).
         */
        public Builder schema(String schema) {
            if (!SCHEMA.matcher(schema).matches()) {
                throw new IllegalArgumentException("Invalid schema name '" + schema
                        + "': use lower-case letters, digits and _ (not first)");
            }
            this.schema = schema;
            return this;
        }

        /** The most connections this store holds; default 10. */
        public Builder maxPoolSize(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("maxPoolSize must be at least 1, was " + size);
            }
            this.maxPoolSize = size;
            return this;
        }

        /**
         * How long a call may wait for a connection: for a free one in the pool under load, or to open one;
         * default 10 s. Opening one gives up after 2 s (or this, if shorter): a server found unreachable
         * makes every call fail at once — those waiting for a connection too — until it answers again.
         */
        public Builder connectTimeout(Duration timeout) {
            if (timeout.toMillis() < 250) {
                throw new IllegalArgumentException("connectTimeout must be at least 250 ms, was " + timeout);
            }
            this.connectTimeout = timeout;
            return this;
        }

        /**
         * How long a write waits for a row another connection has locked before it fails with a
         * {@link DbException}; default 10 s. Cadre's own transactions hold locks for milliseconds.
         */
        public Builder lockTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("lockTimeout must be positive, was " + timeout);
            }
            this.lockTimeout = timeout;
            return this;
        }

        /**
         * Takes the connections from {@code dataSource} — an application's pool, say — instead of opening a pool of
         * its own: Cadre's reads and writes, its migrations, its availability probe and the one connection it holds
         * to listen for cancels ({@link PostgresDb#cancellations()}) all come from it, and closing this db leaves it
         * open (it is the application's). It replaces {@link #url}, {@link #host}, {@link #user},
         * {@link #password}, {@link #schema} and {@link #maxPoolSize}: the DataSource's own settings apply, so a
         * schema is chosen in its URL ({@code currentSchema=...}) and a lock timeout in its connection options.
         */
        public Builder dataSource(javax.sql.DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
            return this;
        }

        /**
         * Connects, migrates the schema, records this process's heartbeat and ends the runs of dead
         * processes.
         *
         * @throws DbException when any of that fails (server down, wrong credentials, ...);
         *     nothing stays open then
         * @throws IllegalArgumentException when a setting is invalid, or the {@link #dataSource} is not PostgreSQL's
         * @throws IllegalStateException when a {@link #dataSource} is given beside a URL, credentials or a schema
         */
        public PostgresDb build() {
            if (dataSource != null) {
                return onDataSource(dataSource);
            }
            String jdbcUrl = url != null ? url : "jdbc:postgresql://" + host + ":" + port + "/" + database;
            String where = describe(jdbcUrl);
            SqlErrors errors = errors(where);
            long seconds = Math.min(DRIVER_CONNECT_TIMEOUT.toSeconds(), Math.max(1, connectTimeout.toSeconds()));
            PGSimpleDataSource connections = dataSource(jdbcUrl, seconds, "cadre");
            return open(where, errors, connections, name -> dataSource(jdbcUrl, seconds, name),
                    (availability, opened) -> pool(connections, availability, opened));
        }

        /** Cadre's own pool on the driver's connections, watched by {@code availability}. */
        private HikariDataSource pool(PGSimpleDataSource connections, Availability availability,
                List<AutoCloseable> opened) {
            HikariConfig config = new HikariConfig();
            config.setPoolName("cadre-postgres");
            config.setDataSource(new WatchedDataSource(connections, availability));
            if (schema != null) {
                config.setSchema(schema);
            }
            config.setMaximumPoolSize(maxPoolSize);
            config.setMinimumIdle(Math.min(2, maxPoolSize));
            // Callers wait for a connection in short slices (see JdbcStore): between two, a database
            // found unreachable makes them fail at once instead of waiting out connectTimeout.
            config.setConnectionTimeout(POOL_SLICE.toMillis());
            // Without it a row locked by a stuck session would block a write forever.
            config.setConnectionInitSql("SET lock_timeout = " + lockTimeout.toMillis());
            HikariDataSource pool = new HikariDataSource(config);
            opened.add(pool);
            return pool;
        }

        private SqlErrors errors(String where) {
            return new SqlErrors(Dialect.POSTGRES, "PostgreSQL database at " + where,
                    "waited " + lockTimeout.toMillis() + " ms");
        }

        private PostgresDb onDataSource(javax.sql.DataSource given) {
            if (url != null || user != null || password != null || schema != null) {
                throw new IllegalStateException("A PostgresDb on a DataSource takes its connections' settings from "
                        + "it: do not set url, user, password or schema beside dataSource(...) (a schema goes in the "
                        + "DataSource's URL: currentSchema=...)");
            }
            String jdbcUrl;
            try (java.sql.Connection c = given.getConnection()) {
                java.sql.DatabaseMetaData meta = c.getMetaData();
                if (!"PostgreSQL".equals(meta.getDatabaseProductName())) {
                    throw new IllegalArgumentException("Not a PostgreSQL DataSource: it connects to "
                            + meta.getDatabaseProductName() + " (" + meta.getURL().replaceAll("[?;].*", "") + ")");
                }
                jdbcUrl = meta.getURL();
            } catch (java.sql.SQLException e) {
                throw errors("the DataSource given").translate("Opening the PostgreSQL database of the DataSource", e);
            }
            String where = describe(jdbcUrl);
            // The application's pool: watched so that a server found down fails calls at once, never closed here.
            return open(where, errors(where), given, name -> given,
                    (availability, opened) -> new WatchedDataSource(given, availability));
        }

        /** What both sources of connections share: migrations, the store, the journal, liveness and cancels. */
        private PostgresDb open(String where, SqlErrors errors, javax.sql.DataSource connections,
                java.util.function.Function<String, javax.sql.DataSource> connectionsFor,
                java.util.function.BiFunction<Availability, List<AutoCloseable>, javax.sql.DataSource> poolOf) {
            Tables tables = Tables.of(sessionTable, runTable, instanceTable);
            LivenessSettings live = liveness();
            String storeId = id != null ? id : "postgres-" + where.substring(where.lastIndexOf('/') + 1);
            List<AutoCloseable> opened = new ArrayList<>();
            try {
                // The probe connects on its own, not through the pool: it tests that the server answers.
                Availability availability = new Availability(errors, connections, Duration.ofMillis(500));
                javax.sql.DataSource pool = poolOf.apply(availability, opened);
                Migrations.apply(connectionsFor.apply("cadre-migrations"), Dialect.POSTGRES, tables,
                        Optional.ofNullable(schema), errors);
                JdbcStore store = new JdbcStore(storeId, Dialect.POSTGRES, pool, pool, tables, clock, errors,
                        availability, connectTimeout, Optional.empty(), Duration.ZERO);
                Optional<FinalStateJournal> journal = !this.journal ? Optional.empty()
                        : Optional.of(new FinalStateJournal(journalDirectory != null ? journalDirectory
                                : defaultJournal(where, Optional.ofNullable(schema), tables)));
                Liveness liveness = replayThenStart(store, journal, live);
                PostgresCancellations cancels = new PostgresCancellations(connectionsFor.apply("cadre-cancels"), pool);
                opened.add(cancels); // closed first (the list is closed last to first): it uses the pool
                String instances = (schema != null ? "\"" + schema + "\"." : "") + tables.instances();
                return new PostgresDb("jdbc:postgresql://" + where, instances, store, liveness, journal, opened,
                        cancels, connectionsFor);
            } catch (RuntimeException e) {
                try {
                    closeAll(opened);
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
                if (e instanceof DbException) {
                    throw e;
                }
                throw errors.translate("Opening the " + errors.target(), e);
            }
        }

        /** {@code ~/.cadre/pending/<host>_<port>_<db>[_<schema>]_<session table>}: one per database and tables. */
        private static java.nio.file.Path defaultJournal(String where, Optional<String> schema, Tables tables) {
            String name = (where + schema.map(s -> "_" + s).orElse("") + "_" + tables.sessions())
                    .replaceAll("[^A-Za-z0-9._-]", "_");
            return java.nio.file.Path.of(System.getProperty("user.home"), ".cadre", "pending", name);
        }

        /**
         * The driver's own source of connections: for the pool, and unpooled for Flyway (it holds two
         * connections at once while it migrates, which a small pool might not have free).
         */
        private PGSimpleDataSource dataSource(String jdbcUrl, long connectSeconds, String applicationName) {
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setURL(jdbcUrl);
            if (user != null) {
                ds.setUser(user);
            }
            if (password != null) {
                ds.setPassword(password);
            }
            ds.setConnectTimeout((int) connectSeconds);
            ds.setLoginTimeout((int) connectSeconds);
            ds.setApplicationName(applicationName);
            return ds;
        }

        /** {@code host:port/db} of a JDBC URL, without parameters (which may hold a password). */
        static String describe(String jdbcUrl) {
            String rest = jdbcUrl.substring("jdbc:postgresql:".length());
            if (rest.startsWith("//")) {
                rest = rest.substring(2);
            }
            int q = rest.indexOf('?');
            return q < 0 ? rest : rest.substring(0, q);
        }
    }
}
