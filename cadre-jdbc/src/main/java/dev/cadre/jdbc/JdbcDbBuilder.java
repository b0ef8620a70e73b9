package dev.cadre.jdbc;

import dev.cadre.db.ProcessInstance;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * The options {@link SqliteDb} and {@link PostgresDb} share: table names, the store's id, and the
 * liveness settings (heartbeat and orphan sweep). Not thread-safe.
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract sealed class JdbcDbBuilder<B extends JdbcDbBuilder<B>> permits SqliteDb.Builder, PostgresDb.Builder {

    String sessionTable;
    String runTable;
    String instanceTable;
    String id;
    Clock clock = Clock.systemUTC();
    String instanceId = ProcessInstance.id();
    /** Null until set: the defaults depend on {@link #sweepOrphans} (see {@link #liveness()}). */
    Duration heartbeatInterval;
    Duration staleAfter;
    boolean sweepOrphans = true;
    Path journalDirectory;
    boolean journal = true;

    JdbcDbBuilder() {
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** The sessions table; default {@code cadre_sessions}. */
    public B sessionTable(String name) {
        this.sessionTable = name;
        return self();
    }

    /**
     * The runs table; default {@code cadre_runs}, or {@code <sessionTable>_runs} when only the
     * session table is named.
     */
    public B runTable(String name) {
        this.runTable = name;
        return self();
    }

    /**
     * The heartbeat table; default {@code cadre_instances}, or {@code <sessionTable>_instances}
     * when only the session table is named.
     */
    public B instanceTable(String name) {
        this.instanceTable = name;
        return self();
    }

    /** The store's id, shown by the HTTP API as {@code db_id}; default from the file or database name. */
    public B id(String id) {
        this.id = Objects.requireNonNull(id, "id");
        return self();
    }

    /** The clock for timestamps and heartbeats; for tests. */
    public B clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return self();
    }

    /** The process this store beats the heartbeat for; default {@link ProcessInstance#id()}. */
    public B instanceId(String instanceId) {
        this.instanceId = Objects.requireNonNull(instanceId, "instanceId");
        return self();
    }

    /**
     * How often to beat the heartbeat and sweep orphans; default 10 s (2 s with {@code sweepOrphans(false)}), at
     * most half of {@link #staleAfter}. {@link Duration#ZERO} does it only once, when the store opens (for
     * tests: other processes will then take this one for dead after {@code staleAfter}).
     */
    public B heartbeatInterval(Duration interval) {
        this.heartbeatInterval = Objects.requireNonNull(interval, "interval");
        return self();
    }

    /**
     * Where final states the database cannot take are kept until it does (see {@link JdbcDb}). Default:
     * for SQLite, the directory {@code <file>.pending} next to the database file; for PostgreSQL,
     * {@code ~/.cadre/pending/<host>_<port>_<database>[_<schema>]_<session table>}. Put it on a disk that survives
     * a restart of the process.
     */
    public B journalDirectory(Path directory) {
        this.journalDirectory = Objects.requireNonNull(directory, "directory");
        this.journal = true;
        return self();
    }

    /**
     * Keeps no journal: final states the database cannot take are kept in memory only, and lost if the
     * process stops before the database is back. For tests and throwaway databases.
     */
    public B withoutJournal() {
        this.journal = false;
        return self();
    }

    /**
     * Whether this store ends the unfinished runs of processes found dead (default {@code true}; see
     * {@link JdbcDb}). Off for durable execution, where another process resumes such runs instead: every
     * process sharing the database must then be durable, or runs of a dead local-mode process stay unfinished.
     * Off, the liveness defaults are those of durable execution — {@code staleAfter} 10 s, a heartbeat every 2 s —
     * so that a dead process's runs are resumed within 15 s (with the durable executor's default recovery
     * interval of 5 s); settings given explicitly are kept.
     */
    public B sweepOrphans(boolean sweep) {
        this.sweepOrphans = sweep;
        return self();
    }

    /**
     * How long without a heartbeat makes a process count as dead; default 30 s, or 10 s with
     * {@code sweepOrphans(false)} (durable execution, where it bounds how soon a dead process's runs resume).
     */
    public B staleAfter(Duration staleAfter) {
        this.staleAfter = Objects.requireNonNull(staleAfter, "staleAfter");
        return self();
    }

    /** The liveness settings, the defaults resolved: those of durable execution when orphans are not swept. */
    JdbcDb.LivenessSettings liveness() {
        boolean durable = !sweepOrphans;
        Duration stale = staleAfter != null ? staleAfter
                : durable ? JdbcDb.LivenessSettings.DURABLE_STALE_AFTER : JdbcDb.LivenessSettings.DEFAULT_STALE_AFTER;
        Duration interval = heartbeatInterval != null ? heartbeatInterval
                : durable ? JdbcDb.LivenessSettings.DURABLE_INTERVAL : JdbcDb.LivenessSettings.DEFAULT_INTERVAL;
        return new JdbcDb.LivenessSettings(instanceId, interval, stale, sweepOrphans);
    }
}
