package dev.cadre.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cadre.jdbc.internal.Availability;
import dev.cadre.jdbc.internal.Dialect;
import dev.cadre.jdbc.internal.JdbcStore;
import dev.cadre.jdbc.internal.Liveness;
import dev.cadre.jdbc.internal.Migrations;
import dev.cadre.jdbc.internal.SqlErrors;
import dev.cadre.jdbc.internal.Tables;
import dev.cadre.db.FinalStateJournal;
import dev.cadre.db.DbException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * A {@link dev.cadre.db.Db} in one SQLite file: Cadre's embedded default.
 *
 * <pre>{@code
 * try (SqliteDb db = SqliteDb.file("cadre.db")) { ... }
 *
 * SqliteDb db = SqliteDb.builder().file(Path.of("data/cadre.db"))
 *     .sessionTable("team_bg_exec_sessions")
 *     .busyTimeout(Duration.ofSeconds(5))
 *     .build();
 * }</pre>
 *
 * <p>The file is created if missing (its directory must exist) and its schema migrated when the
 * store is built. The database runs in WAL mode, so reads never wait for writes. SQLite allows one
 * writer at a time: this store writes through a single connection, so its own threads queue for
 * it in order instead of failing with "database is locked"; another process writing the same file is
 * waited for up to the busy timeout, after which the call fails with a {@link DbException} that
 * says so. Foreign keys are enforced and commits are synced to disk ({@code synchronous=FULL}).
 *
 * <p>See {@link JdbcDb} for the guarantees shared with {@link PostgresDb}.
 */
public final class SqliteDb extends JdbcDb {

    /** Platform threads the store's calls run on (made as needed): far more than connections, so rarely a queue. */
    private static final int CALL_THREADS = 64;

    private final Path file;

    private SqliteDb(Path file, JdbcStore store, Liveness liveness, Optional<FinalStateJournal> journal,
            List<AutoCloseable> resources) {
        super(store, liveness, journal, resources);
        this.file = file;
    }

    /**
     * Opens (creating if needed) the database in {@code path} with default settings.
     *
     * @throws DbException when the file cannot be opened or migrated
     */
    public static SqliteDb file(String path) {
        return builder().file(Path.of(path)).build();
    }

    /** Like {@link #file(String)}. */
    public static SqliteDb file(Path path) {
        return builder().file(path).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The database file, absolute. */
    public Path file() {
        return file;
    }

    @Override
    public String toString() {
        return "SqliteDb[" + file + "]";
    }

    /** Settings for a {@link SqliteDb}; not thread-safe, build once. */
    public static final class Builder extends JdbcDbBuilder<Builder> {
        private Path file = Path.of("cadre.db");
        private Duration busyTimeout = Duration.ofSeconds(5);
        private int readPoolSize = 4;
        private boolean createIfMissing = true;

        private Builder() {
        }

        /** The database file; default {@code cadre.db} in the working directory. */
        public Builder file(Path file) {
            this.file = Objects.requireNonNull(file, "file");
            return this;
        }

        /**
         * How long a write waits for another process's write lock before failing, and how long a thread
         * waits for this store's single writer connection; a write therefore fails within twice this
         * time when another process holds the lock. Default 5 s.
         */
        public Builder busyTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("busyTimeout out of range: " + timeout);
            }
            this.busyTimeout = timeout;
            return this;
        }

        /** Connections for concurrent reads; default 4. Writes always use one connection. */
        public Builder readPoolSize(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("readPoolSize must be at least 1, was " + size);
            }
            this.readPoolSize = size;
            return this;
        }

        /**
         * Whether {@link #build()} creates the file when there is none; default {@code true}. A tool that only
         * reads or cancels runs passes {@code false}, so that a mistyped path is an error rather than a new,
         * empty database: then {@code build()} fails with a {@link DbException} of kind
         * {@link DbException.Kind#NOT_FOUND} naming the file, and creates nothing.
         */
        public Builder createIfMissing(boolean create) {
            this.createIfMissing = create;
            return this;
        }

        /**
         * Opens the database, migrates its schema, records this process's heartbeat and ends the
         * runs of dead processes.
         *
         * @throws DbException when any of that fails (of kind {@code NOT_FOUND} when the file does not exist
         *     and {@link #createIfMissing(boolean)} is off); nothing stays open then
         * @throws IllegalArgumentException when a setting is invalid
         */
        public SqliteDb build() {
            Tables tables = Tables.of(sessionTable, runTable, instanceTable);
            LivenessSettings live = liveness();
            Path path = file.toAbsolutePath().normalize();
            if (!createIfMissing && !java.nio.file.Files.exists(path)) {
                throw new DbException(DbException.Kind.NOT_FOUND, "There is no SQLite database " + path
                        + ": the file does not exist");
            }
            String name = path.getFileName().toString();
            String storeId = id != null ? id : "sqlite-" + (name.contains(".") ? name.substring(0,
                    name.lastIndexOf('.')) : name);
            SqlErrors errors = new SqlErrors(Dialect.SQLITE, "SQLite database " + path,
                    "busy for " + busyTimeout.toMillis() + " ms");
            List<AutoCloseable> opened = new ArrayList<>();
            try {
                SQLiteDataSource writerSource = dataSource(path, true);
                HikariDataSource writer = pool("cadre-sqlite-writer", writerSource, 1);
                opened.add(writer);
                // Every pooled connection sets WAL when it opens; migrating after that means the
                // file is in WAL mode before any table exists.
                Migrations.apply(writerSource, Dialect.SQLITE, tables, Optional.empty(), errors);
                HikariDataSource readers = pool("cadre-sqlite-reader", dataSource(path, false), readPoolSize);
                opened.add(readers);
                Availability availability = new Availability(errors, readers, Duration.ofMillis(500));
                // SQLite works in native code: calls of virtual threads run on platform threads of the store's.
                java.util.concurrent.ExecutorService calls = java.util.concurrent.Executors.newFixedThreadPool(
                        CALL_THREADS, Thread.ofPlatform().daemon().name("cadre-sqlite-", 0).factory());
                opened.add(calls::shutdown);
                JdbcStore store = new JdbcStore(storeId, Dialect.SQLITE, readers, writer, tables, clock, errors,
                        availability, Duration.ZERO, Optional.of(calls), busyTimeout);
                opened.add(store::close); // its writer thread ends, should what follows fail
                Optional<FinalStateJournal> journal = !this.journal ? Optional.empty()
                        : Optional.of(new FinalStateJournal(journalDirectory != null ? journalDirectory
                                : path.resolveSibling(path.getFileName() + ".pending")));
                Liveness liveness = replayThenStart(store, journal, live);
                return new SqliteDb(path, store, liveness, journal, opened);
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

        private SQLiteDataSource dataSource(Path path, boolean writer) {
            SQLiteConfig config = new SQLiteConfig();
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
            config.setBusyTimeout((int) busyTimeout.toMillis());
            config.enforceForeignKeys(true);
            config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
            // The writer takes the write lock when its transaction begins, not at the first write,
            // so a transaction that reads first cannot deadlock with another process's writer.
            config.setTransactionMode(writer ? SQLiteConfig.TransactionMode.IMMEDIATE
                    : SQLiteConfig.TransactionMode.DEFERRED);
            SQLiteDataSource ds = new SQLiteDataSource(config);
            ds.setUrl("jdbc:sqlite:" + path);
            return ds;
        }

        private HikariDataSource pool(String name, SQLiteDataSource source, int size) {
            HikariConfig config = new HikariConfig();
            config.setPoolName(name);
            config.setDataSource(source);
            config.setMaximumPoolSize(size);
            config.setMinimumIdle(1);
            // Threads queue for the single writer for at most the busy timeout, and then the writer waits
            // at most the busy timeout for another process's lock: a write fails within twice the busy timeout.
            config.setConnectionTimeout(Math.max(250, busyTimeout.toMillis()));
            return new HikariDataSource(config);
        }
    }
}
