package dev.cadre.jdbc.internal;

import dev.cadre.db.DbException;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the database can be reached. Once a call finds it unreachable (refused connections, a
 * server shutting down, no connection to be had), every call fails at once with an
 * {@link DbException.Kind#UNAVAILABLE} {@link DbException} instead of each waiting for a
 * connection timeout, and a probe on a virtual thread tries the database every {@code probeInterval}
 * until it answers again; then calls go through again by themselves.
 *
 * <p>Busy (a lock held too long) or full databases do not count as unreachable: those failures are
 * per call. Thread-safe.
 */
public final class Availability {

    private static final Logger LOG = LoggerFactory.getLogger("dev.cadre.jdbc");

    private record Down(Instant since, String problem) {
    }

    private final SqlErrors errors;
    private final DataSource probeSource;
    private final Duration probeInterval;
    private final AtomicReference<Down> down = new AtomicReference<>();
    private volatile boolean closed;

    public Availability(SqlErrors errors, DataSource probeSource, Duration probeInterval) {
        this.errors = errors;
        this.probeSource = probeSource;
        this.probeInterval = probeInterval;
    }

    /** @throws DbException at once while the database is known to be unreachable */
    public void check(String action) {
        Down d = down.get();
        if (d != null) {
            throw new DbException(DbException.Kind.UNAVAILABLE, action + " failed: the " + errors.target()
                    + " has been unreachable since " + d.since() + " (" + d.problem() + "). The call may be retried;"
                    + " the store notices by itself when the database is back.");
        }
    }

    /** Records a failed call: if it says the database is unreachable, calls fail fast until a probe succeeds. */
    public void failed(Throwable error) {
        if (closed || !errors.isConnectionLoss(error)) {
            return;
        }
        Down d = new Down(Instant.now(), Redact.secrets(errors.diagnose(error)));
        if (down.compareAndSet(null, d)) {
            LOG.error("Cadre store: the {} is unreachable ({}); calls fail at once until it answers again, checked"
                    + " every {} ms", errors.target(), d.problem(), probeInterval.toMillis());
            Thread.ofVirtual().name("cadre-store-probe").start(this::probeUntilBack);
        }
    }

    /** Whether the database is known to be unreachable now. */
    public boolean isDown() {
        return down.get() != null;
    }

    /** Stops probing. */
    public void close() {
        closed = true;
    }

    private void probeUntilBack() {
        while (!closed) {
            try {
                Thread.sleep(probeInterval);
            } catch (InterruptedException e) {
                return;
            }
            try (Connection c = probeSource.getConnection(); Statement st = c.createStatement()) {
                st.execute("SELECT 1");
            } catch (Exception e) {
                continue;
            }
            Down was = down.getAndSet(null);
            if (was != null) {
                LOG.info("Cadre store: the {} answers again (unreachable since {})", errors.target(), was.since());
            }
            return;
        }
    }
}
