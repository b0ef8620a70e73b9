package dev.cadre.jdbc;

import dev.cadre.jdbc.internal.Redact;
import dev.cadre.db.InMemoryDb;
import dev.cadre.db.Db;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Opens a store from one configuration string, for configuration files and command lines.
 *
 * <table>
 *   <caption>Accepted forms</caption>
 *   <tr><td>{@code sqlite:cadre.db}, {@code jdbc:sqlite:cadre.db}, {@code cadre.db}</td><td>{@link SqliteDb}</td></tr>
 *   <tr><td>{@code jdbc:postgresql://host:5432/db?user=u&password=p}</td><td>{@link PostgresDb}</td></tr>
 *   <tr><td>{@code postgresql://u:p@host:5432/db} (also {@code postgres://},
 *       {@code postgresql+psycopg://}, as Agno's {@code db_url})</td><td>{@link PostgresDb}</td></tr>
 *   <tr><td>{@code memory}</td><td>{@link InMemoryDb} (nothing is kept)</td></tr>
 * </table>
 *
 * <p>Any form may end with {@code ?session_table=...&run_table=...&schema=...} (schema for
 * PostgreSQL only); these parameters are Cadre's and are not passed to the driver.
 */
public final class JdbcDbs {

    private JdbcDbs() {
    }

    /**
     * How cancels reach the processes that share {@code db}: through PostgreSQL {@code LISTEN/NOTIFY} for a
     * {@link PostgresDb} ({@link PostgresDb#cancellations()}: at once), this process only for any other store
     * (other processes then find a cancel request at their next poll).
     */
    public static dev.cadre.run.CancellationManager cancellations(Db db) {
        return db instanceof PostgresDb pg ? pg.cancellations() : dev.cadre.run.CancellationManager.local();
    }

    /**
     * {@code config} as it may be shown to a person or logged: every password in it (a URL's user info,
     * a {@code password=} parameter) replaced by {@code ***}.
     */
    public static String redacted(String config) {
        return Redact.secrets(config);
    }

    /**
     * Opens the store that {@code config} names, with default settings otherwise.
     *
     * @throws IllegalArgumentException when {@code config} is not one of the accepted forms
     * @throws dev.cadre.db.DbException when the database cannot be opened
     */
    public static Db open(String config) {
        return open(config, b -> { });
    }

    /**
     * Opens the store that {@code config} names, with {@code settings} applied to its builder (a SQLite or
     * PostgreSQL one) before it is built — e.g. {@code b -> b.sweepOrphans(false)} for durable runs.
     *
     * @throws IllegalArgumentException when {@code config} is not one of the accepted forms
     * @throws dev.cadre.db.DbException when the database cannot be opened
     */
    public static Db open(String config, java.util.function.Consumer<JdbcDbBuilder<?>> settings) {
        String s = config.strip();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("Empty store configuration; use e.g. sqlite:cadre.db");
        }
        if (s.equals("memory") || s.equals("memory:")) {
            return new InMemoryDb();
        }
        Split split = Split.of(s);
        String base = split.base();
        Map<String, String> cadre = split.cadre();
        if (base.startsWith("jdbc:postgresql:")) {
            String url = split.driverParams().isEmpty() ? base : base + "?" + split.driverParams();
            return postgres(PostgresDb.builder().url(url), cadre, settings);
        }
        if (base.matches("(?i)postgres(ql)?(\\+[a-z0-9_]+)?://.*")) {
            return postgres(fromUri(base, split.driverParams()), cadre, settings);
        }
        String file;
        if (base.startsWith("jdbc:sqlite:")) {
            file = base.substring("jdbc:sqlite:".length());
        } else if (base.startsWith("sqlite:")) {
            file = base.substring("sqlite:".length());
        } else if (!base.contains(":") || base.matches("[A-Za-z]:[\\\\/].*")) {
            file = base; // a bare path
        } else {
            throw new IllegalArgumentException("Unknown store '" + Redact.secrets(config) + "'. Use sqlite:<file>, "
                    + "jdbc:postgresql://host:port/db?user=..., postgresql://user:password@host:port/db or memory");
        }
        if (file.startsWith("//")) {
            file = file.substring(2);
        }
        if (file.isEmpty() || file.equals(":memory:")) {
            throw new IllegalArgumentException("A SQLite store needs a file, e.g. sqlite:cadre.db; for a store"
                    + " that keeps nothing use memory");
        }
        if (cadre.containsKey("schema")) {
            throw new IllegalArgumentException("schema is a PostgreSQL setting; SQLite has none: "
                    + Redact.secrets(config));
        }
        SqliteDb.Builder b = SqliteDb.builder().file(Path.of(file));
        if (cadre.containsKey("session_table")) {
            b.sessionTable(cadre.get("session_table"));
        }
        if (cadre.containsKey("run_table")) {
            b.runTable(cadre.get("run_table"));
        }
        settings.accept(b);
        return b.build();
    }

    private static PostgresDb postgres(PostgresDb.Builder b, Map<String, String> cadre,
            java.util.function.Consumer<JdbcDbBuilder<?>> settings) {
        if (cadre.containsKey("session_table")) {
            b.sessionTable(cadre.get("session_table"));
        }
        if (cadre.containsKey("run_table")) {
            b.runTable(cadre.get("run_table"));
        }
        if (cadre.containsKey("schema")) {
            b.schema(cadre.get("schema"));
        }
        settings.accept(b);
        return b.build();
    }

    /** {@code postgresql[+driver]://user:password@host:port/db} as libpq and SQLAlchemy write it. */
    private static PostgresDb.Builder fromUri(String uri, String driverParams) {
        URI u = URI.create(uri.replaceFirst("^[^:]+://", "postgresql://"));
        if (u.getHost() == null) {
            throw new IllegalArgumentException("No host in " + Redact.secrets(uri)
                    + "; use postgresql://user:password@host:port/db");
        }
        String db = u.getPath() == null || u.getPath().length() <= 1 ? "postgres" : u.getPath().substring(1);
        String url = "jdbc:postgresql://" + u.getHost() + ":" + (u.getPort() < 0 ? 5432 : u.getPort()) + "/" + db
                + (driverParams.isEmpty() ? "" : "?" + driverParams);
        PostgresDb.Builder b = PostgresDb.builder().url(url);
        if (u.getRawUserInfo() != null) {
            String[] parts = u.getRawUserInfo().split(":", 2);
            b.user(decode(parts[0]));
            if (parts.length == 2) {
                b.password(decode(parts[1]));
            }
        }
        return b;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** A configuration string cut into its base, Cadre's own parameters and the driver's parameters. */
    private record Split(String base, Map<String, String> cadre, String driverParams) {
        static Split of(String s) {
            int q = s.indexOf('?');
            if (q < 0) {
                return new Split(s, Map.of(), "");
            }
            Map<String, String> cadre = new LinkedHashMap<>();
            StringBuilder driver = new StringBuilder();
            for (String param : s.substring(q + 1).split("&")) {
                if (param.isEmpty()) {
                    continue;
                }
                int eq = param.indexOf('=');
                String key = eq < 0 ? param : param.substring(0, eq);
                if (key.equals("session_table") || key.equals("run_table") || key.equals("schema")) {
                    cadre.put(key, eq < 0 ? "" : decode(param.substring(eq + 1)));
                } else {
                    driver.append(driver.isEmpty() ? "" : "&").append(param);
                }
            }
            return new Split(s.substring(0, q), cadre, driver.toString());
        }
    }
}
