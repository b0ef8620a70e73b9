package dev.cadre.bench;

import dev.cadre.jdbc.PostgresDb;
import dev.cadre.jdbc.SqliteDb;
import dev.cadre.db.Db;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The two databases the benchmarks run on, and their floors: how long one commit of a run-sized row
 * takes when made directly with JDBC, with the same settings Cadre's stores use.
 */
final class Databases {

    /** A ~2 KB JSON document, about the size of a stored run row. */
    static final String ROW = "{\"content\":\"" + "x".repeat(1_900) + "\"}";

    /** The PostgreSQL server the benchmarks use; {@code CADRE_BENCH_PG_URL} overrides it. */
    static String postgresUrl() {
        String url = System.getenv("CADRE_BENCH_PG_URL");
        return url != null ? url : "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    }

    static boolean postgresReachable() {
        try (Connection c = DriverManager.getConnection(postgresUrl())) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    /** One database for one benchmark: a fresh SQLite file or a fresh PostgreSQL schema, removed on close. */
    sealed interface Database extends AutoCloseable permits Sqlite, Postgres {
        String name();

        Db db();

        String version();

        /** Times {@code n} commits of one inserted row each, made one after the other on one connection. */
        Samples commitLatency(int n) throws SQLException;

        /** Commits per second with {@code threads} connections committing at once, each an insert of one row. */
        double commitRate(int n, int threads) throws Exception;

        /** A plain JDBC connection to the store's own database, for floors that read its tables. */
        Connection reader() throws SQLException;

        /** The store's session table, as a query names it on a {@link #reader()}. */
        String sessionTable();

        /** How many connections the store reads through at once (its read pool). */
        int readConnections();

        /**
         * Settles the database after a bulk load as autovacuum soon would (dead row versions
         * removed, planner statistics up to date), so that it does not kick in mid-measurement.
         */
        void settle() throws SQLException;

        @Override
        void close();
    }

    /** Measures something on one database. */
    @FunctionalInterface
    interface Measure {
        List<Result> on(Database db) throws Exception;
    }

    /**
     * Runs {@code measure} on SQLite, then on PostgreSQL when the config asks for it and the server is
     * reachable (otherwise the report says it was skipped); each database is closed afterwards.
     */
    static List<Result> onEach(Config c, Measure measure) throws Exception {
        List<Result> out = new java.util.ArrayList<>();
        try (Database db = sqlite()) {
            out.addAll(measure.on(db));
        }
        if (c.postgres()) {
            Optional<Database> pg = postgres();
            if (pg.isEmpty()) {
                Bench.ENV.put("PostgreSQL", "not reachable at " + postgresUrl() + ": skipped");
            } else {
                try (Database db = pg.get()) {
                    out.addAll(measure.on(db));
                }
            }
        }
        return out;
    }

    /** The PostgreSQL server's version and commit setting, for the report. */
    static String postgresVersion() {
        try (Connection c = DriverManager.getConnection(postgresUrl()); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("show server_version")) {
            r.next();
            String v = r.getString(1);
            try (ResultSet sc = s.executeQuery("show synchronous_commit")) {
                sc.next();
                return "PostgreSQL " + v + " (synchronous_commit=" + sc.getString(1) + ", TCP loopback)";
            }
        } catch (SQLException e) {
            return "PostgreSQL ?";
        }
    }

    static Database sqlite() throws Exception {
        return new Sqlite(Files.createTempDirectory("cadre-bench-"));
    }

    static Optional<Database> postgres() {
        if (!postgresReachable()) {
            return Optional.empty();
        }
        return Optional.of(new Postgres("cadre_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12)));
    }

    static final class Sqlite implements Database {
        private final Path dir;
        private final SqliteDb store;

        Sqlite(Path dir) {
            this.dir = dir;
            this.store = SqliteDb.file(dir.resolve("cadre.db"));
        }

        public String name() {
            return "SQLite";
        }

        public Db db() {
            return store;
        }

        public String version() {
            try (Connection c = floorConnection(); Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("select sqlite_version()")) {
                r.next();
                return "SQLite " + r.getString(1) + " (WAL, synchronous=FULL)";
            } catch (SQLException e) {
                return "SQLite ?";
            }
        }

        /** A separate file with the settings SqliteDb uses: WAL, synchronous=FULL. */
        private Connection floorConnection() throws SQLException {
            Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("floor.db"));
            try (Statement s = c.createStatement()) {
                s.execute("pragma journal_mode=WAL");
                s.execute("pragma synchronous=FULL");
                s.execute("create table if not exists floor (id integer primary key, body text)");
            }
            return c;
        }

        public Samples commitLatency(int n) throws SQLException {
            try (Connection c = floorConnection();
                    PreparedStatement p = c.prepareStatement("insert into floor(body) values (?)")) {
                return timeInserts(p, n);
            }
        }

        public double commitRate(int n, int threads) throws SQLException {
            // SQLite has one writer at a time, and Cadre's store writes through one connection: the
            // rate of one connection committing back to back is the ceiling.
            try (Connection c = floorConnection();
                    PreparedStatement p = c.prepareStatement("insert into floor(body) values (?)")) {
                long start = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    p.setString(1, ROW);
                    p.executeUpdate();
                }
                return n / ((System.nanoTime() - start) / 1e9);
            }
        }

        public Connection reader() throws SQLException {
            return DriverManager.getConnection("jdbc:sqlite:" + store.file());
        }

        public String sessionTable() {
            return store.sessionsTable();
        }

        public int readConnections() {
            return 4; // SqliteDb's default read pool
        }

        public void settle() {
            // SQLite has no background vacuum, and SqliteDb never runs ANALYZE: the file is as it is in use.
        }

        public void close() {
            store.close();
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (java.io.IOException e) {
                // a temp dir left behind is harmless
            }
        }
    }

    static final class Postgres implements Database {
        private final String schema;
        private final PostgresDb store;

        Postgres(String schema) {
            this.schema = schema;
            this.store = PostgresDb.builder().url(postgresUrl()).schema(schema).build();
        }

        public String name() {
            return "PostgreSQL";
        }

        public Db db() {
            return store;
        }

        public String version() {
            return postgresVersion();
        }

        private Connection floorConnection() throws SQLException {
            Connection c = DriverManager.getConnection(postgresUrl());
            try (Statement s = c.createStatement()) {
                s.execute("create table if not exists " + schema + ".floor (id bigserial primary key, body jsonb)");
            }
            return c;
        }

        public Samples commitLatency(int n) throws SQLException {
            try (Connection c = floorConnection();
                    PreparedStatement p = c.prepareStatement("insert into " + schema + ".floor(body) values (?::jsonb)")) {
                return timeInserts(p, n);
            }
        }

        public double commitRate(int n, int threads) throws Exception {
            AtomicLong left = new AtomicLong(n);
            List<Thread> workers = new ArrayList<>();
            List<Exception> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
            long start = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                workers.add(Thread.ofPlatform().start(() -> {
                    try (Connection c = floorConnection(); PreparedStatement p = c.prepareStatement(
                            "insert into " + schema + ".floor(body) values (?::jsonb)")) {
                        while (left.getAndDecrement() > 0) {
                            p.setString(1, ROW);
                            p.executeUpdate();
                        }
                    } catch (SQLException e) {
                        failures.add(e);
                    }
                }));
            }
            for (Thread w : workers) {
                w.join();
            }
            if (!failures.isEmpty()) {
                throw failures.get(0);
            }
            return n / ((System.nanoTime() - start) / 1e9);
        }

        public Connection reader() throws SQLException {
            return DriverManager.getConnection(postgresUrl());
        }

        public String sessionTable() {
            return schema + "." + store.sessionsTable();
        }

        public int readConnections() {
            return 10; // PostgresDb's default pool, shared by reads and writes
        }

        public void settle() throws SQLException {
            try (Connection c = reader(); Statement s = c.createStatement()) {
                s.execute("vacuum analyze " + schema + "." + store.sessionsTable());
                s.execute("vacuum analyze " + schema + "." + store.runsTable());
            }
        }

        public void close() {
            store.close();
            try (Connection c = DriverManager.getConnection(postgresUrl()); Statement s = c.createStatement()) {
                s.execute("drop schema if exists " + schema + " cascade");
            } catch (SQLException e) {
                System.err.println("could not drop schema " + schema + ": " + e.getMessage());
            }
        }
    }

    /** Autocommit inserts: each executeUpdate is one transaction, so each sample is one commit. */
    private static Samples timeInserts(PreparedStatement p, int n) throws SQLException {
        for (int i = 0; i < Math.min(200, n); i++) { // warm the statement and the file
            p.setString(1, ROW);
            p.executeUpdate();
        }
        Samples s = new Samples(n);
        for (int i = 0; i < n; i++) {
            p.setString(1, ROW);
            long t = System.nanoTime();
            p.executeUpdate();
            s.add(System.nanoTime() - t);
        }
        return s;
    }

    private Databases() {
    }
}
