package dev.cadre.durable;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cadre.Component;
import dev.cadre.db.ProcessInstance;
import dev.cadre.jdbc.PostgresDb;
import dev.cadre.run.RunRequest;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStream;
import dev.cadre.durable.internal.Engine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Durable runs on PostgreSQL: a run survives the process that executes it. Each run is a DBOS Transact workflow
 * whose steps — its opening, each model turn, each tool call, each member run — are recorded as they end; when
 * the process executing it dies, another process sharing the database resumes it from its last completed step
 * (the model is not asked again what it answered, a member that answered is not run again). Background runs go
 * through a queue that every process of the fleet takes work from, each within its own concurrency limit.
 *
 * <pre>{@code
 * PostgresDb db = PostgresDb.builder().url("jdbc:postgresql://db/app").user("app").password(pw)
 *     .sweepOrphans(false)            // dead processes' runs are resumed, not ended
 *     .build();
 * Team team = Team.builder()....db(db).runManager(manager).build();
 * try (DurableRuns durable = DurableRuns.builder(db).component(team).build()) {
 *     TeamRunOutput pending = durable.submit(team, RunRequest.of("Research X"));   // PENDING, durable
 *     ...
 * }
 * }</pre>
 *
 * <p>Every process of the fleet builds its {@code DurableRuns} with the same components (a run is found by its
 * component's id) and the same code: a run is resumed only by a process of the same {@link Builder#appVersion
 * application version}. A process is dead when its heartbeat in the db is older than the db's {@code staleAfter}.
 * Thread-safe.
 */
public final class DurableRuns implements AutoCloseable {

    private final Engine engine;

    private DurableRuns(Engine engine) {
        this.engine = engine;
    }

    public static Builder builder(PostgresDb db) {
        return new Builder(db);
    }

    /**
     * Stores a background run {@code PENDING} and queues it; returns at once with the run as stored. Any process
     * of the fleet executes it. Cancel it through the component ({@code cancelRun}) or any process's manager with
     * the db: a cancel request, which the process executing it (or about to) carries out.
     *
     * @throws IllegalArgumentException for a component this {@code DurableRuns} was not built with
     */
    public <O extends RunResult> O submit(Component<O> component, RunRequest request) {
        return engine.submit(component, request);
    }

    /**
     * Starts a run here and now — a foreground run, not queued — durable all the same: its steps are recorded, and
     * if this process dies the run is resumed by another, in the background. Returns at once with the run as
     * stored ({@code PENDING}); read its events with {@link #events}, or use {@link #stream}.
     *
     * @throws IllegalArgumentException for a component this {@code DurableRuns} was not built with
     */
    public <O extends RunResult> O start(Component<O> component, RunRequest request) {
        return engine.start(component, request);
    }

    /**
     * A foreground run, streamed: {@link #start starts} it here and returns its events as they come, as
     * {@code component.stream(request)} does — except that when this process dies the run goes on elsewhere (its
     * stream here ends with it; {@link #events} on any process reads on). Closing the stream before the run's
     * end cancels the run — but once this process {@link #drain drains}: then the run is handed over, not
     * cancelled, and closing the stream only stops reading it.
     */
    public RunStream stream(Component<?> component, RunRequest request) {
        RunResult pending = engine.start(component, request);
        RunStream events = engine.follow(pending.runId(), 0);
        return new CancelOnClose(events, component, engine::draining);
    }

    /**
     * The events of a durable run from its {@code from}-th on (0 for all), wherever it executes: those its log has,
     * then each new one as it is committed, until the run's own terminal event — across a resume on another
     * process too (a {@code TeamRunContinued}/{@code RunContinued} event says where). Closing the stream stops
     * reading; it does not cancel the run. Iterate on one thread.
     *
     * @throws java.util.NoSuchElementException when the db has no such run
     */
    public RunStream events(String runId, int from) {
        return engine.follow(runId, from);
    }

    /** Whether {@code component} is one of the components this {@code DurableRuns} executes runs of. */
    public boolean executes(Component<?> component) {
        return engine.executes(component);
    }

    /** This process's instance id: the db's heartbeat ({@code instanceId} of the db) and its DBOS executor id. */
    public String instanceId() {
        return engine.instanceId();
    }

    /**
     * Resumes the unfinished runs of dead processes now, instead of at the next round; returns those processes. Finds
     * none until this process's own heartbeat has been steady for the db's {@code staleAfter} (after a start or an
     * outage every heartbeat looks old; see the module's README, "Processes: alive, dead, recovered").
     */
    public List<String> recoverNow() {
        return engine.recoverNow();
    }

    /**
     * A graceful stop that cancels nothing — for a deploy: takes no new work (a run the queue hands this process
     * meanwhile is let go of at once), lets the runs executing here finish within {@code grace}, then lets go of
     * the rest: they stop where they are (their model connections closed), write nothing more, and stay
     * unfinished for the other processes, which resume them from their last completed step once this process's
     * heartbeat is stale. Then shuts DBOS down. Call it before closing the db, and do not shut the components'
     * run managers down first (that would cancel the runs). Returns how many runs were let go of.
     */
    public int drain(Duration grace) throws InterruptedException {
        return engine.drain(grace);
    }

    /** Whether this process {@link #drain drains}: it takes no new runs and lets go of those it executes. */
    public boolean draining() {
        return engine.draining();
    }

    /**
     * Stops at once: shuts DBOS down, which interrupts the runs executing here, and the engine takes an
     * interrupted run for a cancelled one — they end {@code CANCELLED}. For a stop that hands them to the other
     * processes instead, use {@link #drain}.
     */
    @Override
    public void close() {
        engine.close();
    }

    /** Settings of a {@link DurableRuns}; not thread-safe, build once. */
    public static final class Builder {
        private final PostgresDb db;
        private final Map<String, Component<?>> components = new LinkedHashMap<>();
        private String schema = "dbos";
        private String appVersion = "cadre-1";
        private int workerConcurrency = 100;
        private Duration recoveryInterval = Duration.ofSeconds(5);
        private Duration queuePolling = Duration.ofMillis(250);
        private int maxConnections = 10;

        private Builder(PostgresDb db) {
            this.db = Objects.requireNonNull(db, "db");
        }

        /** A component whose runs (and its members') this process executes; every process needs the same ones. */
        public Builder component(Component<?> component) {
            Component<?> had = components.putIfAbsent(component.id(), component);
            if (had != null && had != component) {
                throw new IllegalArgumentException("Two components with id '" + component.id() + "'");
            }
            return this;
        }

        /** The schema of DBOS's tables (default {@code dbos}); created if missing. */
        public Builder schema(String schema) {
            this.schema = Objects.requireNonNull(schema, "schema");
            return this;
        }

        /**
         * The application version (default {@code cadre-1}): a run is resumed, and a queued run executed, only by a
         * process of the version it was started with. Change it when the agents change in a way runs in flight must
         * not see (different tools, members, instructions); keep it across deploys that do not.
         */
        public Builder appVersion(String version) {
            this.appVersion = Objects.requireNonNull(version, "version");
            return this;
        }

        /** How many background runs this process executes at once (default 100); more wait in the queue. */
        public Builder workerConcurrency(int runs) {
            if (runs < 1) {
                throw new IllegalArgumentException("workerConcurrency must be 1 or more");
            }
            this.workerConcurrency = runs;
            return this;
        }

        /** How often this process looks for dead processes' runs to resume (default 5 s). */
        public Builder recoveryInterval(Duration interval) {
            this.recoveryInterval = Objects.requireNonNull(interval, "interval");
            return this;
        }

        /** How often this process looks for queued runs (default 250 ms): the latency of a queued run's start. */
        public Builder queuePolling(Duration interval) {
            this.queuePolling = Objects.requireNonNull(interval, "interval");
            return this;
        }

        /**
         * How many connections DBOS may hold (default 10; two stay open when idle), besides the db's own pool and two
         * listening connections (cancels, events): a fleet of n processes needs n times their sum of PostgreSQL's
         * {@code max_connections}.
         */
        public Builder maxConnections(int connections) {
            if (connections < 2) {
                throw new IllegalArgumentException("maxConnections must be 2 or more");
            }
            this.maxConnections = connections;
            return this;
        }

        /**
         * Connects DBOS (migrating its schema), registers the workflows and starts taking work.
         *
         * @throws IllegalStateException when the db still ends dead processes' runs ({@code sweepOrphans(true)})
         */
        public DurableRuns build() {
            if (db.sweepsOrphans()) {
                throw new IllegalStateException("The db ends the runs of dead processes as orphans; durable runs are "
                        + "resumed instead: build it with PostgresDb.builder()...sweepOrphans(false)");
            }
            if (components.isEmpty()) {
                throw new IllegalStateException("No components: add the agents and teams whose runs are durable");
            }
            if (!db.instanceId().equals(ProcessInstance.id())) {
                // Runs are owned by ProcessInstance.id(); DBOS's executor and the heartbeat are the db's instance id.
                throw new IllegalStateException("The db beats for instance '" + db.instanceId() + "' but this process"
                        + " is '" + ProcessInstance.id() + "': set -D" + ProcessInstance.PROPERTY + "=<id> at start-up"
                        + " (cadre serve --instance-id) and leave the db's instanceId at its default");
            }
            // Any process sharing the db — a local-mode server, a command-line tool — leaves this one's runs to be
            // resumed by its peers instead of ending them as orphans when it dies.
            db.declareDurable(db.instanceId());
            HikariConfig pool = new HikariConfig();
            pool.setPoolName("cadre-dbos");
            pool.setDataSource(db.connections("cadre-dbos"));
            pool.setMaximumPoolSize(maxConnections);
            pool.setMinimumIdle(2); // a fleet of processes must not hold PostgreSQL's connection slots idle
            HikariDataSource connections = new HikariDataSource(pool);
            try {
                return new DurableRuns(Engine.start(db, connections, new ArrayList<>(components.values()), schema,
                        appVersion, db.instanceId(), workerConcurrency, recoveryInterval, queuePolling));
            } catch (RuntimeException e) {
                connections.close();
                throw e;
            }
        }
    }
}
