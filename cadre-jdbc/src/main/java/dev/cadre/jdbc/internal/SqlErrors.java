package dev.cadre.jdbc.internal;

import com.zaxxer.hikari.pool.HikariPool;
import dev.cadre.db.DbException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Optional;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Turns driver errors into {@link DbException}s whose message says what failed, why, and what to
 * do about it. The original exception is always kept as the cause.
 */
public final class SqlErrors {

    private final Dialect dialect;
    private final String target;
    private final String busyHint;

    /**
     * @param target the database as a person would name it, e.g. {@code SQLite database /srv/cadre.db}
     * @param busyHint how long a write waits for a lock, e.g. {@code busy for 5 s}
     */
    public SqlErrors(Dialect dialect, String target, String busyHint) {
        this.dialect = dialect;
        this.target = target;
        this.busyHint = busyHint;
    }

    public String target() {
        return target;
    }

    public DbException translate(String action, Throwable error) {
        String diagnosis = diagnose(error);
        String where = diagnosis.contains(target) || action.contains(target) ? "" : " in the " + target;
        return new DbException(kind(error), Redact.secrets(action + where + " failed: " + diagnosis), error);
    }

    /**
     * Whether {@code error} says the database cannot be reached at all (as opposed to being busy, full, or
     * refusing one statement): the store then fails fast until it is back.
     */
    public boolean isConnectionLoss(Throwable error) {
        if (error instanceof SQLTransientConnectionException) {
            return false;
        }
        String state = sqlState(error);
        if (state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02")
                || state.equals("57P03"))) {
            return true;
        }
        // Not HikariCP's timeout: it may carry an old failure to connect. The pool's own attempts are watched
        // where they happen (WatchedDataSource).
        for (Throwable t = error; t != null && !(t instanceof SQLTransientConnectionException); t = t.getCause()) {
            if (t instanceof java.net.ConnectException || t instanceof java.net.UnknownHostException) {
                return true;
            }
        }
        return false;
    }

    /** The kind of failure {@code error} is, for callers that decide without reading messages. */
    public DbException.Kind kind(Throwable error) {
        Optional<SQLiteErrorCode> sqlite = sqliteCode(error);
        if (sqlite.isPresent()) {
            return switch (primary(sqlite.get())) {
                case 5, 6, 10, 13 -> DbException.Kind.UNAVAILABLE; // busy, locked, I/O error, disk full
                case 19 -> switch (sqlite.get()) {
                    case SQLITE_CONSTRAINT_PRIMARYKEY, SQLITE_CONSTRAINT_UNIQUE -> DbException.Kind.CONFLICT;
                    case SQLITE_CONSTRAINT_FOREIGNKEY -> DbException.Kind.NOT_FOUND;
                    default -> DbException.Kind.FAILED;
                };
                default -> DbException.Kind.FAILED;
            };
        }
        String state = sqlState(error);
        if (error instanceof SQLTransientConnectionException || isConnectionLoss(error)) {
            return DbException.Kind.UNAVAILABLE;
        }
        if (state == null) {
            return DbException.Kind.FAILED;
        }
        if (state.startsWith("08") || state.startsWith("57") || state.startsWith("40") || state.startsWith("53")
                || state.equals("55P03")) {
            return DbException.Kind.UNAVAILABLE;
        }
        return switch (state) {
            case "23505" -> DbException.Kind.CONFLICT;
            case "23503" -> DbException.Kind.NOT_FOUND;
            default -> DbException.Kind.FAILED;
        };
    }

    /** Why {@code error} happened and what to do, in one sentence or two. */
    public String diagnose(Throwable error) {
        if (error instanceof HikariPool.PoolInitializationException && error.getCause() != null) {
            error = error.getCause();
        }
        Optional<SQLiteErrorCode> sqlite = sqliteCode(error);
        if (sqlite.isPresent()) {
            return diagnoseSqlite(sqlite.get(), error);
        }
        String sqlState = sqlState(error);
        if (error instanceof SQLTransientConnectionException && sqlState == null) {
            // HikariCP's own timeout: every pooled connection stayed in use.
            return "no connection to the " + target + " became free in time (" + error.getMessage()
                    + "). The database may be slow or unreachable, or the pool too small for the load.";
        }
        if (dialect == Dialect.POSTGRES && sqlState != null) {
            String detail = " (" + rootMessage(error) + ")";
            if (sqlState.startsWith("08")) {
                return "cannot connect to " + target + detail
                        + ". Is the server running and reachable? Check the URL, host and port.";
            }
            if (sqlState.startsWith("28")) {
                return target + " rejected the login" + detail + ". Check the user name and password.";
            }
            return switch (sqlState) {
                case "3D000" -> target + " has no such database" + detail + ". Create it or fix the URL.";
                case "3F000" -> target + " has no such schema" + detail + ". Create it or fix the configured schema.";
                case "42501" -> "the database user lacks a privilege" + detail + ". Grant it or use another user.";
                case "42P01" -> "a Cadre table is missing" + detail
                        + ". Was it dropped while the store was open? Reopen the store to recreate it.";
                case "53100" -> "the disk of " + target + " is full" + detail + ". Free space on the server.";
                case "53300" -> target + " has no free connection slots" + detail
                        + ". Lower maxPoolSize or raise max_connections.";
                case "57P01", "57P02", "57P03" -> target + " is shutting down or starting up" + detail
                        + ". Retry when it is back.";
                case "57014" -> "the statement was cancelled or timed out" + detail + ".";
                case "55P03" -> "a row stayed locked by another connection too long (" + busyHint + ")" + detail
                        + ". Retry, or find the session that holds the lock (pg_stat_activity).";
                case "40001", "40P01" -> "the database aborted the transaction to resolve a conflict" + detail
                        + ". Retry.";
                default -> target + " reported an error, SQL state " + sqlState + detail + ".";
            };
        }
        return "error from " + target + ": " + rootMessage(error) + ".";
    }

    private String diagnoseSqlite(SQLiteErrorCode code, Throwable error) {
        String detail = " (" + rootMessage(error) + ")";
        return switch (primary(code)) {
            case 5, 6 -> target + " is locked (" + busyHint + "): another connection or process held its write lock"
                    + " too long" + detail + ". Retry, or find the process that keeps the database busy.";
            case 13 -> "the disk holding " + target + " is full" + detail + ". Free disk space.";
            case 14 -> "cannot open " + target + detail
                    + ". Check that its directory exists and that this process may write there.";
            case 8 -> target + " is read-only" + detail + ". Check the file's and directory's permissions.";
            case 10 -> "disk I/O error on " + target + detail + ". Check the disk and the file system.";
            case 11, 26 -> target + " is not a valid SQLite database or is damaged" + detail
                    + ". Point the store at another file or restore a backup.";
            case 23 -> "access to " + target + " was denied" + detail + ". Check permissions.";
            default -> "error from " + target + detail + ".";
        };
    }

    /** Whether {@code e} says a row with that key exists already. */
    public boolean isDuplicateKey(SQLException e) {
        Optional<SQLiteErrorCode> code = sqliteCode(e);
        if (code.isPresent()) {
            return code.get() == SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY
                    || code.get() == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE;
        }
        return "23505".equals(sqlState(e));
    }

    /** Whether {@code e} says a referenced row (the run's session) does not exist. */
    public boolean isMissingReference(SQLException e) {
        Optional<SQLiteErrorCode> code = sqliteCode(e);
        if (code.isPresent()) {
            return code.get() == SQLiteErrorCode.SQLITE_CONSTRAINT_FOREIGNKEY;
        }
        return "23503".equals(sqlState(e));
    }

    private static int primary(SQLiteErrorCode code) {
        return code.code & 0xff;
    }

    private static Optional<SQLiteErrorCode> sqliteCode(Throwable e) {
        if (e == null) {
            return Optional.empty();
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLiteException s) {
                return Optional.of(s.getResultCode());
            }
        }
        return Optional.empty();
    }

    private static String sqlState(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null) {
                return s.getSQLState();
            }
        }
        return null;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return m.strip();
    }
}
