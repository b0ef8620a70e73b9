package dev.cadre.jdbc.internal;

import dev.cadre.run.CancellationManager;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cancel requests between processes sharing a PostgreSQL database, through {@code LISTEN/NOTIFY}: a cancel
 * of a run another process owns is a {@code NOTIFY} on one channel, and every process listening on it
 * cancels the run at once if it runs it — its model connection aborted and its members stopped within
 * milliseconds, instead of at the owner's next cancel-request poll.
 *
 * <p>The poll stays: a notification is a hint, the request recorded in the run's row is the truth. A
 * notification sent while a process was not listening (its connection was down, it was starting) is not
 * delivered again; that process finds the request at its next poll. So a failing {@code NOTIFY} or listening
 * connection makes a cancel slower, never lost.
 *
 * <p>One connection of its own, outside the pool, listens on a daemon thread and reconnects with a backoff
 * when it breaks; {@link #publish} uses a pooled connection. Thread-safe.
 */
public final class PostgresCancellations implements CancellationManager {

    /** One channel for every Cadre process of the database: a run id unknown to a process is ignored there. */
    static final String CHANNEL = "cadre_cancel";
    private static final Logger LOG = LoggerFactory.getLogger(PostgresCancellations.class);
    private static final Duration WAIT = Duration.ofSeconds(1);
    private static final Duration FIRST_RETRY = Duration.ofMillis(200);
    private static final Duration MAX_RETRY = Duration.ofSeconds(5);

    private final DataSource listening;
    private final DataSource publishing;
    private final List<Consumer<String>> handlers = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    private Thread listener;
    private Connection connection;
    private volatile boolean closed;
    private volatile boolean listeningNow;
    private final java.util.concurrent.atomic.AtomicInteger listens = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * @param listening opens the listening connection (not a pool: it is held for as long as this lives)
     * @param publishing where the {@code NOTIFY}s are sent from (the store's pool)
     */
    public PostgresCancellations(DataSource listening, DataSource publishing) {
        this.listening = listening;
        this.publishing = publishing;
    }

    /**
     * Hands the cancel to this process's handlers, then notifies every other process. A failing notification
     * is logged: the request recorded in the db still reaches the owner at its next poll.
     */
    @Override
    public void publish(String runId) {
        handlers.forEach(h -> h.accept(runId));
        try (Connection c = publishing.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            ps.setString(1, CHANNEL);
            ps.setString(2, runId);
            ps.execute();
        } catch (SQLException | RuntimeException e) {
            LOG.warn("Could not notify other processes of the cancel of run {} ({}); its owner finds the request "
                    + "at its next poll", runId, e.getMessage());
        }
    }

    /** Registers the handler and, with the first one, starts listening. */
    @Override
    public Subscription subscribe(Consumer<String> handler) {
        handlers.add(handler);
        synchronized (lock) {
            if (listener == null && !closed) {
                listener = Thread.ofPlatform().daemon().name("cadre-cancel-listener").start(this::listen);
            }
        }
        return () -> handlers.remove(handler);
    }

    private int backendPid;

    /** The server process of the listening connection, while it is up (for tests that break it, and no other). */
    public java.util.OptionalInt listenerBackendPid() {
        synchronized (listens) {
            return listeningNow ? java.util.OptionalInt.of(backendPid) : java.util.OptionalInt.empty();
        }
    }

    /** Whether the listening connection is up now (for health checks and tests). */
    public boolean isListening() {
        return listeningNow;
    }

    /** How many times a listening connection was opened (1 until one breaks), for tests. */
    public int listens() {
        return listens.get();
    }

    /**
     * Waits until the {@code n}-th listening connection is open and listening; returns whether it was within
     * {@code timeout}. For tests: a notification sent before then would reach this process only by its poll.
     */
    public boolean awaitListening(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (listens) {
            while (listens.get() < n || !listeningNow) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(listens, left);
            }
            return true;
        }
    }

    private void listen() {
        Duration retry = FIRST_RETRY;
        while (!closed) {
            try {
                Connection c = open();
                if (c == null) {
                    return; // closed meanwhile
                }
                retry = FIRST_RETRY;
                PGConnection pg = c.unwrap(PGConnection.class);
                while (!closed) {
                    PGNotification[] arrived = pg.getNotifications((int) WAIT.toMillis());
                    if (arrived == null) {
                        continue;
                    }
                    for (PGNotification n : arrived) {
                        deliver(n.getParameter());
                    }
                }
            } catch (SQLException | RuntimeException e) {
                listeningNow = false;
                if (closed) {
                    return;
                }
                LOG.warn("Listening for cancels failed ({}); trying again in {} ms (cancels reach this process "
                        + "through its cancel-request poll meanwhile)", e.getMessage(), retry.toMillis());
                closeConnection();
                try {
                    Thread.sleep(retry);
                } catch (InterruptedException ie) {
                    return;
                }
                retry = retry.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : retry.multipliedBy(2);
            }
        }
    }

    private Connection open() throws SQLException {
        Connection c = listening.getConnection();
        synchronized (lock) {
            if (closed) {
                c.close();
                return null;
            }
            connection = c;
        }
        c.setAutoCommit(true);
        int pid;
        try (Statement s = c.createStatement()) {
            try (java.sql.ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                pid = rs.getInt(1);
            }
            // Last, so that pg_stat_activity shows the connection as what it is: its query stays "LISTEN ...".
            s.execute("LISTEN " + CHANNEL);
        }
        synchronized (listens) {
            backendPid = pid;
            listeningNow = true;
            listens.incrementAndGet();
            listens.notifyAll();
        }
        return c;
    }

    private void deliver(String runId) {
        for (Consumer<String> h : handlers) {
            try {
                h.accept(runId);
            } catch (RuntimeException e) {
                LOG.warn("A cancel handler failed for run {}", runId, e);
            }
        }
    }

    private void closeConnection() {
        Connection c;
        synchronized (lock) {
            c = connection;
            connection = null;
        }
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // it was broken already
            }
        }
    }

    /** Stops listening and closes the connection; the listener thread ends within a second. */
    @Override
    public void close() {
        Thread t;
        synchronized (lock) {
            closed = true;
            t = listener;
        }
        listeningNow = false;
        closeConnection();
        if (t != null) {
            t.interrupt();
        }
    }
}
