package dev.cadre.durable.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes the readers of a run's events when the log has new ones: at once for a run that executes in this process
 * (its writer signals after each commit), through {@code LISTEN cadre_events} for a run that executes in another.
 * A reader also looks at the log now and then without a signal ({@link EventFollower}), so a notification lost while
 * the listening connection was down delays it a little and loses nothing. Thread-safe.
 */
final class EventSignals implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventSignals.class);

    /** A run's readers: how many wait, and a count of the signals so far. */
    private static final class Waiters {
        int readers;
        long signals;
    }

    private final Map<String, Waiters> byRun = new ConcurrentHashMap<>();
    private final DataSource listening;
    private final Thread listener;
    private volatile boolean closed;
    private volatile Connection connection;

    /** @param listening unpooled connections for the one that listens (it is held for the life of the process) */
    EventSignals(DataSource listening) {
        this.listening = listening;
        this.listener = Thread.ofPlatform().daemon().name("cadre-event-signals").unstarted(this::listen);
    }

    void start() {
        listener.start();
    }

    /** A reader of {@code runId} starts waiting: returns the signal count to wait past. */
    long enter(String runId) {
        Waiters w = byRun.computeIfAbsent(runId, k -> new Waiters());
        synchronized (w) {
            w.readers++;
            return w.signals;
        }
    }

    /** Waits until {@code runId} was signalled after {@code seen}, or {@code timeout}; returns the count now. */
    long await(String runId, long seen, Duration timeout) throws InterruptedException {
        Waiters w = byRun.computeIfAbsent(runId, k -> new Waiters());
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (w) {
            while (w.signals == seen) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                TimeUnit.NANOSECONDS.timedWait(w, left);
            }
            return w.signals;
        }
    }

    /** The reader of {@code runId} stopped waiting. */
    void leave(String runId) {
        byRun.computeIfPresent(runId, (k, w) -> {
            synchronized (w) {
                return --w.readers <= 0 ? null : w;
            }
        });
    }

    /** The log has new events of {@code runId}. */
    void signal(String runId) {
        Waiters w = byRun.get(runId);
        if (w != null) {
            synchronized (w) {
                w.signals++;
                w.notifyAll();
            }
        }
    }

    private void listen() {
        long backoff = 200;
        while (!closed) {
            try (Connection c = listening.getConnection(); Statement s = c.createStatement()) {
                connection = c;
                s.execute("LISTEN " + EventLog.CHANNEL);
                backoff = 200;
                PGConnection pg = c.unwrap(PGConnection.class);
                while (!closed) {
                    PGNotification[] got = pg.getNotifications(1_000);
                    if (got != null) {
                        for (PGNotification n : got) {
                            signal(n.getParameter());
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    return;
                }
                LOG.debug("Listening for runs' events failed ({}); again in {} ms", e.getMessage(), backoff);
                try {
                    Thread.sleep(backoff); // a reconnect's pace, not a synchronisation
                } catch (InterruptedException stop) {
                    return;
                }
                backoff = Math.min(backoff * 2, 5_000);
            } finally {
                connection = null;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        Connection c = connection;
        if (c != null) {
            try {
                c.close(); // ends the listener's wait
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
        listener.interrupt();
    }
}
