package dev.cadre.durable.internal;

import dev.cadre.event.ContentEvent;
import dev.cadre.event.RunEvent;
import dev.cadre.event.TerminalEvent;
import dev.cadre.json.CadreJson;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The events of durable runs, in a table every process of the fleet reads: {@code <schema>.cadre_run_events}, one
 * row per event of a run (its members' included), numbered from 0 in the order the run sent them. The process
 * executing a run appends (through one writer thread that commits what has come in as one transaction, so a run
 * streaming its text costs a commit per batch, not per token) and announces each commit with {@code NOTIFY}; a
 * reader on any process follows with {@link #follow}. When another process resumes the run, its events go on at the
 * next number, after a {@code RunContinued}/{@code TeamRunContinued} saying where.
 *
 * <p>A resumed run announces its replayed steps again (cadre-core's {@code resumeRun} with events): the n-th event
 * of one kind from one run is the same event on every execution, so the appender of a resumed run drops the events
 * the log has already, kind by kind and run by run, and keeps what is new. Text ({@link ContentEvent}) is never
 * replayed, so never dropped: the text of a step the earlier process was in the middle of comes again, after the
 * continued event.
 *
 * <p>A write that fails (the db is down) is retried until it succeeds, in order; events wait in memory meanwhile.
 * Thread-safe.
 */
public final class EventLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventLog.class);
    static final String CHANNEL = "cadre_events";
    private static final int BATCH = 500;
    /** The longest pause between two tries of a failing write (the db is down): readers wait longer than that. */
    static final long MAX_BACKOFF_MS = 2_000;
    /** How long the events of an ended run are kept, as AgentOS keeps a finished run's buffer. */
    static final Duration RETENTION = Duration.ofMinutes(10);
    private final Duration retention;
    private long prunedAt = System.currentTimeMillis();
    /** The first key of the advisory locks on runs' logs: Cadre's own, apart from other users of advisory locks. */
    private static final int LOCK_SPACE = 0x0CAD8E;

    /**
     * An event to write: the run whose log it goes to, and its JSON; its number is given as it is written. Its id
     * makes a retried batch idempotent: a commit whose answer was lost may have happened.
     */
    record Row(String id, String runId, String type, String eventRunId, String body) {
    }

    private final DataSource connections;
    private final String table;
    private final String instanceId;
    private final LinkedBlockingQueue<Row> queue = new LinkedBlockingQueue<>();
    private final EventSignals signals;
    private final Thread writer;
    private volatile boolean closed;
    /** Rows handed to the log and not yet committed: what {@link #flush} waits for. Guarded by {@code this}. */
    private int pending;

    private final String schema;

    EventLog(DataSource connections, EventSignals signals, String schema, String instanceId) {
        this(connections, signals, schema, instanceId, RETENTION);
    }

    EventLog(DataSource connections, EventSignals signals, String schema, String instanceId, Duration retention) {
        this.retention = retention;
        this.connections = connections;
        this.signals = signals;
        this.schema = schema;
        this.table = "\"" + schema + "\".cadre_run_events";
        this.instanceId = instanceId;
        this.writer = Thread.ofPlatform().daemon().name("cadre-event-log").unstarted(this::write);
    }

    /** Creates the table if needed and starts the writer. */
    void start() {
        try {
            Ddl.create(connections, schema, "CREATE SCHEMA IF NOT EXISTS \"" + schema + "\"",
                    "CREATE TABLE IF NOT EXISTS " + table + " (run_id TEXT NOT NULL, seq INT NOT NULL,"
                    + " event_type TEXT NOT NULL, event_run_id TEXT NOT NULL, instance_id TEXT NOT NULL,"
                    + " body TEXT NOT NULL, written_at BIGINT NOT NULL, PRIMARY KEY (run_id, seq))",
                    // Tables made before event ids have none on their old rows: those are never retried.
                    "ALTER TABLE " + table + " ADD COLUMN IF NOT EXISTS event_id TEXT");
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create the durable runs' event log: " + e.getMessage(), e);
        }
        writer.start();
    }

    /** A reader of run {@code runId}'s events from index {@code from} on (the run is in session {@code sessionId}). */
    EventFollower follow(dev.cadre.db.Db db, String runId, String sessionId, int from) {
        return new EventFollower(connections, table, signals, db, runId, sessionId, from);
    }

    /**
     * Where the events of an execution of run {@code runId} go, from this process: after those the log has (the
     * repeats of replayed steps dropped), a continued event first when the log has events of an earlier execution.
     *
     * @throws IllegalStateException when the log cannot be read
     */
    Appender appender(String runId) {
        Map<String, Integer> had = new HashMap<>();
        int next = 0;
        Optional<String> lastWriter = Optional.empty();
        String sql = "SELECT event_type, event_run_id, count(*), max(seq) FROM " + table + " WHERE run_id = ?"
                + " GROUP BY event_type, event_run_id";
        String last = "SELECT instance_id FROM " + table + " WHERE run_id = ? ORDER BY seq DESC LIMIT 1";
        try (Connection c = connections.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, runId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        had.put(key(rs.getString(1), rs.getString(2)), rs.getInt(3));
                        next = Math.max(next, rs.getInt(4) + 1);
                    }
                }
            }
            if (next > 0) {
                try (PreparedStatement ps = c.prepareStatement(last)) {
                    ps.setString(1, runId);
                    try (ResultSet rs = ps.executeQuery()) {
                        lastWriter = rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the event log of run " + runId + ": " + e.getMessage(), e);
        }
        return new Appender(runId, next > 0, had, lastWriter);
    }

    private static String key(String type, String eventRunId) {
        return type + "\u0000" + eventRunId;
    }

    /** One execution's events of one run; called by the run's threads, so serialised here. */
    final class Appender implements Consumer<RunEvent> {
        private final String runId;
        private final Map<String, Integer> repeats;
        private final Optional<String> resumedFrom;
        private boolean continued;
        private boolean ended;

        Appender(String runId, boolean logged, Map<String, Integer> repeats, Optional<String> resumedFrom) {
            this.runId = runId;
            this.repeats = repeats;
            this.resumedFrom = resumedFrom;
            this.continued = !logged; // a first execution has nothing to continue
        }

        @Override
        public synchronized void accept(RunEvent e) {
            if (!continued && e.runId().equals(runId)) {
                continued = true;
                add(LoggedEvents.continued(e, instanceId, resumedFrom));
            }
            if (!(e instanceof ContentEvent)) {
                String k = key(e.event(), e.runId());
                Integer left = repeats.get(k);
                if (left != null && left > 0) {
                    repeats.put(k, left - 1);
                    return; // the earlier execution logged it
                }
            }
            add(e);
        }

        /**
         * Logs the end of a run that ended without sending it here — cancelled before it started, or found ended
         * when executed again — unless the log has it already.
         */
        synchronized void endIfMissing(RunEvent terminal) {
            if (!ended && repeats.getOrDefault(key(terminal.event(), runId), 0) == 0) {
                add(terminal);
            }
        }

        private void add(RunEvent e) {
            boolean ends = e instanceof TerminalEvent && e.runId().equals(runId);
            ended |= ends;
            Row row = new Row(java.util.UUID.randomUUID().toString(), runId, e.event(), e.runId(), CadreJson.write(e));
            synchronized (EventLog.this) {
                pending++;
            }
            queue.add(row);
        }
    }

    private void write() {
        List<Row> batch = new ArrayList<>();
        long backoff = 100;
        boolean failing = false;
        while (true) {
            try {
                if (batch.isEmpty()) {
                    Row first = queue.poll(200, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        if (closed) {
                            return;
                        }
                        pruneNowAndThen();
                        continue;
                    }
                    batch.add(first);
                    queue.drainTo(batch, BATCH - 1);
                }
                commit(batch, failing);
                Set<String> runs = new LinkedHashSet<>();
                batch.forEach(r -> runs.add(r.runId()));
                synchronized (this) {
                    pending -= batch.size();
                    batch.clear();
                    notifyAll();
                }
                runs.forEach(signals::signal);
                if (failing) {
                    LOG.info("The event log is written again");
                    failing = false;
                }
                backoff = 100;
            } catch (InterruptedException e) {
                return;
            } catch (SQLException | RuntimeException | Error e) {
                // An Error too: this is the only writer, and every later event would be lost with it.
                if (!failing) {
                    LOG.warn("Writing runs' events failed ({}); retrying, the events wait in memory", e.toString());
                    failing = true;
                }
                try {
                    Thread.sleep(backoff); // a retry's pace, not a synchronisation
                } catch (InterruptedException stop) {
                    return;
                }
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
            }
        }
    }

    /**
     * Writes a batch in one transaction. A run's events are numbered here, under a lock on the run held to the
     * commit: two processes may write one run's log at once (the run on one, a member's step resumed on another),
     * and each run's numbers must be committed in their order, or a reader could pass a number still to come.
     */
    private void commit(List<Row> batch, boolean retry) throws SQLException {
        String insert = "INSERT INTO " + table + " (run_id, seq, event_type, event_run_id, instance_id, body,"
                + " written_at, event_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
        String written = "SELECT event_id FROM " + table + " WHERE run_id = ? AND event_id = ANY(?)";
        long now = System.currentTimeMillis();
        String last = "SELECT coalesce(max(seq), -1) FROM " + table + " WHERE run_id = ?";
        // In one order on every process, so that two writers never wait on each other's locks.
        Map<String, List<Row>> byRun = new java.util.TreeMap<>();
        batch.forEach(r -> byRun.computeIfAbsent(r.runId(), k -> new ArrayList<>()).add(r));
        try (Connection c = connections.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?, hashtext(?))");
                    PreparedStatement max = c.prepareStatement(last);
                    PreparedStatement ps = c.prepareStatement(insert);
                    PreparedStatement notify = c.prepareStatement("SELECT pg_notify(?, ?)");
                    PreparedStatement had = c.prepareStatement(written)) {
                for (var run : byRun.entrySet()) {
                    lock.setInt(1, LOCK_SPACE);
                    lock.setString(2, run.getKey());
                    lock.execute();
                    max.setString(1, run.getKey());
                    int seq;
                    try (ResultSet rs = max.executeQuery()) {
                        rs.next();
                        seq = rs.getInt(1);
                    }
                    Set<String> committed = retry ? committed(had, run.getKey(), run.getValue()) : Set.of();
                    for (Row r : run.getValue()) {
                        if (committed.contains(r.id())) {
                            continue; // the failed attempt did commit it (only its answer was lost)
                        }
                        ps.setString(1, r.runId());
                        ps.setInt(2, ++seq);
                        ps.setString(3, r.type());
                        ps.setString(4, r.eventRunId());
                        ps.setString(5, instanceId);
                        ps.setString(6, r.body());
                        ps.setLong(7, now);
                        ps.setString(8, r.id());
                        ps.addBatch();
                    }
                }
                ps.executeBatch();
                for (String run : byRun.keySet()) {
                    notify.setString(1, CHANNEL);
                    notify.setString(2, run);
                    notify.execute();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    /** Which of {@code rows} of run {@code runId} the log has: on a retry, those an earlier attempt committed. */
    private static Set<String> committed(PreparedStatement had, String runId, List<Row> rows) throws SQLException {
        had.setString(1, runId);
        had.setArray(2, had.getConnection().createArrayOf("text", rows.stream().map(Row::id).toArray()));
        Set<String> out = new java.util.HashSet<>();
        try (ResultSet rs = had.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /**
     * When the writer is idle, once a tenth of the retention (10 minutes, {@link #RETENTION}): forgets the events of runs that ended more than
     * the retention ago (their end is stored with the run; a resume after that is answered from the store, as
     * AgentOS answers once its buffer is gone). Every process prunes; two at once delete nothing twice.
     */
    private void pruneNowAndThen() {
        long now = System.currentTimeMillis();
        if (now - prunedAt < retention.toMillis() / 10) {
            return;
        }
        prunedAt = now;
        String ended = "SELECT run_id FROM " + table + " WHERE event_run_id = run_id AND written_at < ? AND event_type IN ("
                + String.join(", ", LoggedEvents.TERMINAL.stream().map(t -> "'" + t + "'").toList()) + ")";
        try (Connection c = connections.getConnection();
                PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE run_id IN (" + ended + ")")) {
            ps.setLong(1, now - retention.toMillis());
            int gone = ps.executeUpdate();
            if (gone > 0) {
                LOG.debug("Forgot {} events of runs that ended more than {} ago", gone, retention);
            }
        } catch (SQLException | RuntimeException e) {
            LOG.debug("Pruning the event log failed ({}); next time", e.getMessage());
        }
    }

    /** Waits until every event handed to the log so far is written, or {@code timeout} passed; returns whether. */
    boolean flush(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (pending > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return true;
        }
    }

    /** Writes what is waiting (up to 10 s) and stops the writer. */
    @Override
    public void close() {
        try {
            if (!flush(Duration.ofSeconds(10))) {
                LOG.warn("{} run event(s) could not be written before the stop", queue.size());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closed = true;
        writer.interrupt();
    }
}
