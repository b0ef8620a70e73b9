package dev.cadre.durable.internal;

import dev.cadre.db.Db;
import dev.cadre.event.RunEvent;
import dev.cadre.json.CadreJson;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * A reader of one run's events in the {@link EventLog}, from any process: what the log has from an index on, then
 * each new event as it is committed, up to the run's own terminal event. Across a resume on another process it
 * reads on (the continued event, then the new execution's events). A run that is stored terminal but logged no end
 * (it ended where no event log was kept) ends with the end made from its stored state. While the db is down it
 * waits and reads on when it is back. One reader, one thread; {@link #close} from any thread.
 */
final class EventFollower implements RunStream {

    /** How long a reader waits for a signal before it looks at the log anyway. */
    private static final Duration LOOK_ANYWAY = Duration.ofMillis(500);
    /**
     * Looks without a signal, at that pace, before a terminal run with no end logged is ended from its row: for
     * longer than the writer of the run's process may pause between tries after an outage (its final state can be
     * stored while its last events still wait to be written), and then some.
     */
    private static final int LOOKS_BEFORE_STORED_END =
            (int) ((EventLog.MAX_BACKOFF_MS + 2_000) / LOOK_ANYWAY.toMillis()) + 1;

    private final DataSource connections;
    private final String table;
    private final EventSignals signals;
    private final Db db;
    private final String runId;
    private final String sessionId;
    private final ArrayDeque<RunEvent> ready = new ArrayDeque<>();
    private int next;
    private long seen;
    private boolean ended;
    private volatile boolean closed;
    private int quietLooksWhileTerminal;

    EventFollower(DataSource connections, String table, EventSignals signals, Db db, String runId, String sessionId,
            int from) {
        this.connections = connections;
        this.table = table;
        this.signals = signals;
        this.db = db;
        this.runId = runId;
        this.sessionId = sessionId;
        this.next = Math.max(0, from);
        this.seen = signals.enter(runId);
    }

    @Override
    public String runId() {
        return runId;
    }

    @Override
    public String sessionId() {
        return sessionId;
    }

    /** The index in the run's log of the next event {@link #iterator()} gives. */
    int nextIndex() {
        return next - ready.size();
    }

    @Override
    public Iterator<RunEvent> iterator() {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                try {
                    return fill(Duration.ofDays(365));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }

            @Override
            public RunEvent next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("The run's events have ended");
                }
                return ready.removeFirst();
            }
        };
    }

    @Override
    public boolean awaitNext(Duration timeout) throws InterruptedException {
        return fill(timeout);
    }

    /** Whether an event is ready, reading the log and waiting for its signals up to {@code timeout}. */
    private boolean fill(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (ready.isEmpty() && !ended && !closed) {
            boolean read;
            try {
                read = read();
                if (!read) {
                    endFromStoreIfTerminal();
                }
            } catch (SQLException | RuntimeException e) {
                read = false; // the db is away: look again later
            }
            if (!ready.isEmpty() || ended) {
                break;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            seen = signals.await(runId, seen, Duration.ofNanos(Math.min(left, LOOK_ANYWAY.toNanos())));
        }
        return !ready.isEmpty();
    }

    private boolean read() throws SQLException {
        String sql = "SELECT seq, event_type, event_run_id, body FROM " + table + " WHERE run_id = ? AND seq >= ?"
                + " ORDER BY seq LIMIT 500";
        boolean any = false;
        try (Connection c = connections.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, runId);
            ps.setInt(2, next);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next() && !ended) {
                    next = rs.getInt(1) + 1;
                    ready.addLast(CadreJson.readEvent(rs.getString(4)));
                    any = true;
                    if (LoggedEvents.TERMINAL.contains(rs.getString(2)) && rs.getString(3).equals(runId)) {
                        ended = true;
                    }
                }
            }
        }
        if (any) {
            quietLooksWhileTerminal = 0;
        }
        return any;
    }

    /**
     * A run whose row is terminal while its log stays without an end for a few looks ended without logging one:
     * it is given the end made from its row. (The process that ends a run logs its end just after storing it, so
     * a run that ended in the log's way is read before this gives up waiting for it.)
     */
    private void endFromStoreIfTerminal() {
        Optional<RunResult> stored = db.getRun(runId);
        if (stored.isEmpty() || !stored.get().status().isTerminal()) {
            quietLooksWhileTerminal = 0;
            return;
        }
        if (++quietLooksWhileTerminal >= LOOKS_BEFORE_STORED_END) {
            ready.addLast(LoggedEvents.end(stored.get()));
            ended = true;
        }
    }

    @Override
    public RunResult result() {
        return db.getRun(runId).orElseThrow(() -> new NoSuchElementException("No run " + runId + " in the db"));
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            signals.signal(runId); // a reader waiting for the next event stops waiting
            signals.leave(runId);
        }
    }
}
