package dev.cadre.jdbc.internal;

import dev.cadre.db.DbException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A single-writer database's writes (SQLite's), committed in groups: one platform thread owns the write connection
 * and takes every write waiting for it into one transaction, each write in a savepoint of its own, then commits
 * once. One write's failure rolls back its own statements only; a failed commit fails every write of the group.
 * A caller returns when the commit that holds its write is done, so "committed before announced" holds for each
 * write, and with {@code synchronous=FULL} one disk flush covers the group instead of one per write.
 *
 * <p>Urgent writes (a run's accept, a cancel and its end) are taken before the others waiting, so an accept waits
 * for at most the group being committed, not for every run's progress queued before it. Thread-safe.
 */
final class GroupCommit {

    /** The most writes one transaction holds: a group still commits within a few milliseconds. */
    static final int MAX_GROUP = 128;
    /** The most urgent writes in one group: a burst of accepts cannot hold back heartbeats and runs' ends. */
    static final int MAX_URGENT = 96;
    /** The least patience, whatever the busy timeout: a write is always given time for one group to commit. */
    static final Duration LEAST_PATIENCE = Duration.ofMillis(250);

    private final JdbcCalls calls;
    private final Duration patience;
    private final java.util.function.LongSupplier nanoClock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition waiting = lock.newCondition();
    private final ArrayDeque<Write<?>> urgent = new ArrayDeque<>();
    private final ArrayDeque<Write<?>> normal = new ArrayDeque<>();
    private final Thread writer;
    private final java.util.concurrent.atomic.AtomicLong groups = new java.util.concurrent.atomic.AtomicLong();
    private boolean closed;

    private static final class Write<T> {
        final String action;
        final JdbcCalls.SqlWork<T> work;
        final long queuedAt;
        final CompletableFuture<T> done = new CompletableFuture<>();
        T result;
        RuntimeException failure;

        Write(String action, JdbcCalls.SqlWork<T> work, long queuedAt) {
            this.action = action;
            this.work = work;
            this.queuedAt = queuedAt;
        }

        void run(Connection c) throws SQLException {
            result = work.run(c);
        }

        void finish(RuntimeException commitFailure) {
            RuntimeException f = failure != null ? failure : commitFailure;
            if (f != null) {
                done.completeExceptionally(f);
            } else {
                done.complete(result);
            }
        }
    }

    /**
     * @param patience how long a write may wait for its group before it fails as {@code UNAVAILABLE} (the store is
     *     too busy): the same bound as a wait for the write connection
     * @param nanoClock what measures that wait ({@code System::nanoTime}; a test's own clock)
     */
    GroupCommit(JdbcCalls calls, Duration patience, String name, java.util.function.LongSupplier nanoClock) {
        this.calls = calls;
        this.nanoClock = nanoClock;
        this.patience = patience.compareTo(LEAST_PATIENCE) < 0 ? LEAST_PATIENCE : patience;
        this.writer = Thread.ofPlatform().daemon().name(name).start(this::loop);
    }

    /**
     * Runs {@code work} in the next group and waits for that group's commit. An interrupt while waiting is kept for
     * after: a write cannot be taken back once queued.
     *
     * @throws DbException as a write of its own would fail, or {@code CLOSED} after {@link #close}
     * @throws IllegalStateException when called from inside a write (a write cannot wait for its own group)
     */
    <T> T write(String action, JdbcCalls.SqlWork<T> work, boolean isUrgent) {
        if (Thread.currentThread() == writer) {
            throw new IllegalStateException(action + " was asked from inside another write; a write cannot wait"
                    + " for the transaction it runs in");
        }
        Write<T> w = new Write<>(action, work, nanoClock.getAsLong());
        lock.lock();
        try {
            if (closed) {
                throw calls.closedFailure(action);
            }
            (isUrgent ? urgent : normal).addLast(w);
            waiting.signal();
        } finally {
            lock.unlock();
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return w.done.get(patience.toNanos(), TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    // Still queued after the patience: it never ran, so it is taken back and fails as too busy. In
                    // a group being committed, it waits for that group, however long its writes take.
                    if (takeBack(w)) {
                        throw calls.tooBusy(patience);
                    }
                    if (!writer.isAlive() && !w.done.isDone()) {
                        throw new DbException(DbException.Kind.FAILED, action + " failed: the writer of the "
                                + calls.target() + " has stopped");
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException re) {
                        throw re;
                    }
                    throw new DbException(DbException.Kind.FAILED, String.valueOf(e.getCause()), e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private boolean takeBack(Write<?> w) {
        lock.lock();
        try {
            return urgent.remove(w) || normal.remove(w);
        } finally {
            lock.unlock();
        }
    }

    /** How many writes wait for a group (not counting the group being committed). */
    int waiting() {
        lock.lock();
        try {
            return urgent.size() + normal.size();
        } finally {
            lock.unlock();
        }
    }

    /** How many transactions the writer has committed or tried to. */
    long groups() {
        return groups.get();
    }

    /** Takes no more writes; those queued are still committed. Returns when the writer thread has ended. */
    void close() {
        lock.lock();
        try {
            closed = true;
            waiting.signalAll();
        } finally {
            lock.unlock();
        }
        if (Thread.currentThread() != writer) {
            boolean interrupted = false;
            while (writer.isAlive()) {
                try {
                    writer.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void loop() {
        try {
            while (groupOnce()) {
                // next group
            }
        } finally {
            // However the writer ends, no write is left waiting for it: later ones are refused as after close.
            List<Write<?>> left = new ArrayList<>();
            lock.lock();
            try {
                closed = true;
                left.addAll(urgent);
                left.addAll(normal);
                urgent.clear();
                normal.clear();
            } finally {
                lock.unlock();
            }
            left.forEach(w -> w.done.completeExceptionally(new DbException(DbException.Kind.FAILED, w.action
                    + " failed: the writer of the " + calls.target() + " has stopped")));
        }
    }

    /** Takes the next group and commits it; false when closed and nothing is left. */
    private boolean groupOnce() {
        List<Write<?>> group = new ArrayList<>();
        lock.lock();
        try {
            while (urgent.isEmpty() && normal.isEmpty() && !closed) {
                waiting.awaitUninterruptibly();
            }
            int urgentTaken = 0;
            while (group.size() < MAX_GROUP && !(urgent.isEmpty() && normal.isEmpty())) {
                boolean takeUrgent = !urgent.isEmpty() && (urgentTaken < MAX_URGENT || normal.isEmpty());
                group.add(takeUrgent ? urgent.pollFirst() : normal.pollFirst());
                urgentTaken += takeUrgent ? 1 : 0;
            }
        } finally {
            lock.unlock();
        }
        if (group.isEmpty()) {
            return false; // closed, and nothing left
        }
        try {
            commit(group);
        } catch (Throwable t) {
            // Never leave a caller waiting, whatever went wrong (even an Error): the writer goes on with the
            // next group, for a writer that stopped would leave every later write waiting for ever.
            DbException failed = new DbException(DbException.Kind.FAILED, "Writing to the " + calls.target()
                    + " failed: " + t, t);
            group.forEach(w -> w.done.completeExceptionally(failed));
        }
        return true;
    }

    private void commit(List<Write<?>> all) {
        List<Write<?>> group = new ArrayList<>(all.size());
        long now = nanoClock.getAsLong();
        for (Write<?> w : all) {
            if (now - w.queuedAt > patience.toNanos()) {
                w.done.completeExceptionally(calls.tooBusy(patience));
            } else {
                group.add(w);
            }
        }
        if (group.isEmpty()) {
            return;
        }
        String action = group.size() == 1 ? group.getFirst().action
                : group.getFirst().action + " (with " + (group.size() - 1) + " other writes)";
        groups.incrementAndGet();
        try (Connection c = calls.writeConnection(action)) {
            inOneTransaction(c, group);
            group.forEach(w -> w.finish(null));
        } catch (SQLException e) {
            calls.writeFailed(e);
            group.forEach(w -> w.finish(calls.translate(w.action, e))); // each failure names its own write
        } catch (RuntimeException e) {
            group.forEach(w -> w.finish(e));
        }
    }

    /**
     * Runs the group's writes, each in its savepoint, and commits. A write that fails keeps its failure and the
     * others go on; what fails the transaction itself is thrown, for every write of the group.
     */
    private void inOneTransaction(Connection c, List<Write<?>> group) throws SQLException {
        try {
            c.setAutoCommit(false);
        } catch (SQLException e) {
            calls.evictWriteConnection(c, e);
            throw e;
        }
        for (Write<?> w : group) {
            Savepoint savepoint;
            try {
                savepoint = c.setSavepoint();
            } catch (SQLException e) {
                calls.rollbackWrite(c, e);
                throw e;
            }
            try {
                w.run(c);
                c.releaseSavepoint(savepoint);
            } catch (SQLException | RuntimeException | Error thrown) {
                Exception e = thrown instanceof Error err ? new DbException(DbException.Kind.FAILED, w.action
                        + " failed: " + err, err) : (Exception) thrown;
                try {
                    c.rollback(savepoint);
                    c.releaseSavepoint(savepoint); // rolled back to, it still exists: gone, so they do not pile up
                } catch (SQLException lost) {
                    // SQLite rolls a whole transaction back on some failures (a full disk, an I/O error): then the
                    // writes before this one are gone too, and every write of the group fails, for that cause.
                    e.addSuppressed(lost);
                    w.failure = e instanceof SQLException sql ? failedWrite(w.action, sql) : (RuntimeException) e;
                    calls.rollbackWrite(c, lost);
                    throw e instanceof SQLException sql ? sql : lost;
                }
                w.failure = e instanceof SQLException sql ? failedWrite(w.action, sql) : (RuntimeException) e;
            }
        }
        try {
            // Not commit(): the SQLite driver's commit() begins the next transaction at once, and when another
            // process takes the lock in between it throws, though this group is committed. Back to autocommit
            // commits only.
            c.setAutoCommit(true);
        } catch (SQLException e) {
            // Its state unknown: rolled back as far as it lets itself be, then never handed out again.
            try (java.sql.Statement rollback = c.createStatement()) {
                rollback.execute("ROLLBACK");
            } catch (SQLException ignored) {
                e.addSuppressed(ignored);
            }
            calls.evictWriteConnection(c, e);
            throw e;
        }
    }

    private RuntimeException failedWrite(String action, SQLException e) {
        calls.writeFailed(e);
        return calls.translate(action, e);
    }
}
