package dev.cadre.jdbc.internal;

import com.zaxxer.hikari.HikariDataSource;
import dev.cadre.db.DbException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * How a {@link JdbcStore} talks to its database: a call gets a connection (failing at once while the database
 * is known to be unreachable, see {@link Availability}), runs in one transaction (writes) or on one read
 * connection, and turns driver failures into {@link DbException}s via {@link SqlErrors}. Calls of virtual
 * threads run on the store's platform threads when it has them. Thread-safe.
 */
public final class JdbcCalls {

    private final Dialect dialect;
    private final DataSource reads;
    private final DataSource writes;
    private final SqlErrors errors;
    private final Availability availability;
    private final Duration connectionWait;
    private final Optional<java.util.concurrent.ExecutorService> offload;
    private final Duration offloadPatience;
    private final Optional<GroupCommit> group;
    private volatile boolean closed;

    JdbcCalls(Dialect dialect, DataSource reads, DataSource writes, SqlErrors errors, Availability availability,
            Duration connectionWait, Optional<java.util.concurrent.ExecutorService> offload,
            Duration offloadPatience, boolean groupCommit) {
        this(dialect, reads, writes, errors, availability, connectionWait, offload, offloadPatience, groupCommit,
                System::nanoTime);
    }

    /** As above, with the clock that times a write's wait for its group ({@link GroupCommit}), for tests. */
    JdbcCalls(Dialect dialect, DataSource reads, DataSource writes, SqlErrors errors, Availability availability,
            Duration connectionWait, Optional<java.util.concurrent.ExecutorService> offload,
            Duration offloadPatience, boolean groupCommit, java.util.function.LongSupplier nanoClock) {
        this.dialect = dialect;
        this.reads = reads;
        this.writes = writes;
        this.errors = errors;
        this.availability = availability;
        this.connectionWait = connectionWait;
        this.offload = offload;
        this.offloadPatience = offloadPatience;
        this.group = groupCommit ? Optional.of(new GroupCommit(this, offloadPatience, "cadre-" + dialect.name()
                .toLowerCase(java.util.Locale.ROOT) + "-writer", nanoClock)) : Optional.empty();
    }

    Availability availability() {
        return availability;
    }

    /** Refuses calls from now on, after the writes already queued are committed; the owner closes the data sources. */
    void close() {
        closed = true;
        group.ifPresent(GroupCommit::close);
        offload.ifPresent(java.util.concurrent.ExecutorService::shutdown);
    }


    /**
     * The statements of one call. A work of a write lets its {@code SQLException}s out rather than catching one and
     * going on: with group commit it shares a transaction, and only a failure that leaves it rolls its statements
     * back (to its savepoint). It leaves no statement or result set open, and does not commit or roll back itself.
     */
    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    /**
     * Runs {@code work} in one transaction on the write connection — with group commit, in a savepoint of the next
     * group's transaction (its own failure rolls back only its own statements) — and returns once it is committed.
     */
    <T> T write(String action, SqlWork<T> work) {
        return write(action, work, false);
    }

    /** As {@link #write}; with group commit, taken before the writes that are not urgent. */
    <T> T write(String action, SqlWork<T> work, boolean urgent) {
        checkOpen(action);
        if (group.isPresent()) {
            return group.get().write(action, work, urgent);
        }
        return offloaded(() -> writeHere(action, work));
    }

    /**
     * Runs {@code work}, one statement, committed by itself (auto-commit): on PostgreSQL one round trip where a
     * transaction takes one more for its commit. Not for a store with group commit, whose writes share transactions.
     */
    <T> T writeStatement(String action, SqlWork<T> work) {
        checkOpen(action);
        if (group.isPresent()) {
            throw new IllegalStateException("A store with group commit writes in groups: use write");
        }
        return offloaded(() -> {
            try (Connection c = connection(writes, action)) {
                if (!c.getAutoCommit()) {
                    c.setAutoCommit(true);
                }
                return work.run(c);
            } catch (SQLException e) {
                availability.failed(e);
                throw errors.translate(action, e);
            }
        });
    }

    private <T> T writeHere(String action, SqlWork<T> work) {
        try (Connection c = connection(writes, action)) {
            try {
                c.setAutoCommit(false);
            } catch (SQLException e) {
                evict(c, e);
                throw e;
            }
            T result;
            try {
                result = work.run(c);
            } catch (SQLException | RuntimeException e) {
                rollback(c, e);
                throw e;
            }
            try {
                c.commit();
            } catch (SQLException e) {
                rollback(c, e);
                throw e;
            }
            return result;
        } catch (SQLException e) {
            availability.failed(e);
            throw errors.translate(action, e);
        }
    }

    /** Runs {@code work} on a read connection; a single statement sees one consistent snapshot. */
    <T> T read(String action, SqlWork<T> work) {
        checkOpen(action);
        return offloaded(() -> {
            try (Connection c = connection(reads, action)) {
                return work.run(c);
            } catch (SQLException e) {
                availability.failed(e);
                throw errors.translate(action, e);
            }
        });
    }

    /**
     * Runs {@code call} on the store's own platform threads when it has them (SQLite: the driver works in
     * native code, which would hold a virtual thread's carrier for the whole call and starve every other
     * virtual thread of the process — a busy SQLite store would stall even {@code /health}). The caller
     * waits, unmounted; an interrupt while it waits is kept for after the call, which cannot be stopped
     * half-way.
     */
    private <T> T offloaded(java.util.function.Supplier<T> call) {
        if (offload.isEmpty() || !Thread.currentThread().isVirtual()) {
            return call.get();
        }
        long queued = System.nanoTime();
        java.util.concurrent.Future<T> f = offload.get().submit(() -> {
            // Waiting for one of the store's threads counts as waiting for the store: as long as a connection.
            if (System.nanoTime() - queued > offloadPatience.toNanos()) {
                throw tooBusy(offloadPatience);
            }
            return call.get();
        });
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException re) {
                        throw re;
                    }
                    if (e.getCause() instanceof Error err) {
                        throw err;
                    }
                    throw new DbException(DbException.Kind.FAILED, String.valueOf(e.getCause()), e.getCause());
                }
            }
        } catch (java.util.concurrent.RejectedExecutionException e) {
            throw new DbException(DbException.Kind.CLOSED, "The store for the " + errors.target()
                    + " is closed. Use a store that is open.", e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * A connection from {@code pool}. The pool's own wait is short; the call asks again until
     * {@link #connectionWait} has passed, so that a database found unreachable meanwhile (by this call, another
     * one, or the pool failing to connect) ends the wait at once.
     */
    private Connection connection(DataSource pool, String action) throws SQLException {
        long deadline = System.nanoTime() + connectionWait.toNanos();
        while (true) {
            availability.check(action);
            try {
                return pool.getConnection();
            } catch (java.sql.SQLTransientConnectionException e) {
                if (availability.isDown() || System.nanoTime() - deadline >= 0) {
                    availability.check(action);
                    throw e;
                }
            }
        }
    }

    /** Runs {@code work}'s statements on a read connection in one transaction: they all see the same snapshot. */
    <T> T readSnapshot(String action, SqlWork<T> work) {
        return read(action, c -> {
            int isolation = c.getTransactionIsolation();
            c.setAutoCommit(false);
            try {
                if (dialect == Dialect.POSTGRES) {
                    c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                }
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            } finally {
                c.setAutoCommit(true);
                if (dialect == Dialect.POSTGRES) {
                    c.setTransactionIsolation(isolation);
                }
            }
        });
    }

    private void checkOpen(String action) {
        if (closed) {
            throw closedFailure(action);
        }
    }

    // ---- for GroupCommit: a group's transaction fails and recovers as one call's does ----------------------------

    DbException closedFailure(String action) {
        return new DbException(DbException.Kind.CLOSED, action + " failed: the store for the "
                + errors.target() + " is closed. Use a store that is open.");
    }

    DbException tooBusy(Duration waited) {
        return new DbException(DbException.Kind.UNAVAILABLE, "The " + errors.target()
                + " is too busy: the call waited longer than " + waited.toMillis()
                + " ms for its turn. Retry, or find what keeps the database busy.");
    }

    Optional<GroupCommit> groupCommit() {
        return group;
    }

    String target() {
        return errors.target();
    }

    Connection writeConnection(String action) throws SQLException {
        return connection(writes, action);
    }

    void writeFailed(SQLException e) {
        availability.failed(e);
    }

    DbException translate(String action, SQLException e) {
        return errors.translate(action, e);
    }

    void evictWriteConnection(Connection c, Exception cause) {
        evict(c, cause);
    }

    void rollbackWrite(Connection c, Exception cause) {
        rollback(c, cause);
    }

    private void rollback(Connection c, Exception cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
            evict(c, e);
        }
    }

    /**
     * Drops a connection whose transaction state is unknown after a failed begin, commit or
     * rollback, so the pool never hands it out again. (The SQLite driver, for one, believes a
     * transaction is open after {@code BEGIN} failed with "database is locked".)
     */
    private void evict(Connection c, Exception cause) {
        if (writes instanceof HikariDataSource pool) {
            try {
                pool.evictConnection(c);
            } catch (RuntimeException e) {
                cause.addSuppressed(e);
            }
        }
    }
}
