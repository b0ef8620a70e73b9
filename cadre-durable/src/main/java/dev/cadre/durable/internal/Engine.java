package dev.cadre.durable.internal;

import com.zaxxer.hikari.HikariDataSource;
import dev.cadre.Component;
import dev.cadre.jdbc.PostgresDb;
import dev.cadre.run.RunRequest;
import dev.cadre.run.RunResult;
import dev.dbos.transact.DBOS;
import dev.dbos.transact.DBOSClient;
import dev.dbos.transact.StartWorkflowOptions;
import dev.dbos.transact.config.DBOSConfig;
import dev.dbos.transact.workflow.Queue;
import dev.dbos.transact.workflow.WorkflowState;
import dev.dbos.transact.workflow.WorkflowStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What a {@code DurableRuns} is made of: DBOS, the workflows, the journal, recovery. Not API. */
public final class Engine implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Engine.class);

    static final String QUEUE = "cadre-runs";
    /** How long a drain waits, after the shutdown's interrupt, for the runs still here to let go of their runs. */
    private static final Duration LET_GO_WAIT = Duration.ofSeconds(10);

    private final DBOS dbos;
    private final CadreWorkflows workflows;
    private final Workflows impl;
    /** How long a stop waits for the runs it cancels to store their ends (a cancel takes milliseconds). */
    private static final Duration CANCEL_ON_CLOSE = Duration.ofSeconds(10);
    private final java.util.concurrent.atomic.AtomicBoolean released;
    private final Queue queue;
    private final Map<String, Component<?>> components;
    private final Recovery recovery;
    private final HikariDataSource connections;
    private final String instanceId;
    private final PostgresDb db;
    private final EventLog log;
    private final EventSignals signals;
    private final String schema;

    private Engine(DBOS dbos, CadreWorkflows workflows, Workflows impl, java.util.concurrent.atomic.AtomicBoolean released,
            Queue queue, Map<String, Component<?>> components, Recovery recovery, HikariDataSource connections,
            String instanceId, PostgresDb db, EventLog log, EventSignals signals, String schema) {
        this.schema = schema;
        this.db = db;
        this.log = log;
        this.signals = signals;
        this.dbos = dbos;
        this.workflows = workflows;
        this.impl = impl;
        this.released = released;
        this.queue = queue;
        this.components = components;
        this.recovery = recovery;
        this.connections = connections;
        this.instanceId = instanceId;
    }

    public static Engine start(PostgresDb db, HikariDataSource connections, List<Component<?>> components,
            String schema, String appVersion, String instanceId, int workerConcurrency, Duration recoveryInterval,
            Duration queuePolling) {
        Map<String, Component<?>> byId = new LinkedHashMap<>();
        components.forEach(c -> byId.put(c.id(), c));
        DBOSConfig config = DBOSConfig.defaults("cadre").withDataSource(connections).withDatabaseSchema(schema)
                .withExecutorId(instanceId).withAppVersion(appVersion);
        DBOS dbos = new DBOS(config);
        Attachments attachments = new Attachments();
        Workflows impl = new Workflows(byId, attachments);
        CadreWorkflows proxy = dbos.registerProxy(CadreWorkflows.class, impl);
        java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
        EventSignals signals = new EventSignals(db.connections("cadre-events"));
        EventLog log = new EventLog(connections, signals, schema, instanceId);
        signals.start();
        Fence fence = new Fence(released::get, db::ownHeartbeat, System::nanoTime);
        impl.journal(new DbosJournal(dbos, proxy, attachments, fence, new DbWait(db)), log);
        Queue queue = new Queue(QUEUE).withWorkerConcurrency(workerConcurrency).withPollingInterval(queuePolling);
        dbos.registerQueue(queue);
        // Made before the launch, which may resume workflows of this executor: a run's workflow failing then is
        // handed back to it too.
        Recovery recovery = new Recovery(dbos, db, connections, schema, instanceId, db.staleAfter(), Clock.systemUTC(),
                fence);
        impl.handBack(recovery::handBack);
        try {
            dbos.launch();
            // After DBOS has made its schema. A workflow of this executor resumed by the launch that asks for the
            // log before its table is made waits for it (Workflows: the log is read until it can be).
            log.start();
        } catch (RuntimeException e) {
            try {
                dbos.shutdown(); // launched or half-launched: its threads must not outlive a failed start
            } catch (RuntimeException ignored) {
                // the start's failure is the one to report
            }
            log.close();
            signals.close();
            throw e;
        }
        try {
            recovery.start(recoveryInterval);
        } catch (RuntimeException e) {
            dbos.shutdown();
            log.close();
            signals.close();
            throw e;
        }
        return new Engine(dbos, proxy, impl, released, queue, byId, recovery, connections, instanceId, db, log, signals,
                schema);
    }

    public <O extends RunResult> O submit(Component<O> component, RunRequest request) {
        return begin(component, request, new StartWorkflowOptions(queue));
    }

    /** A run executed here, now, not through the queue: a foreground run, durable all the same. */
    public <O extends RunResult> O start(Component<O> component, RunRequest request) {
        return begin(component, request, new StartWorkflowOptions());
    }

    private <O extends RunResult> O begin(Component<O> component, RunRequest request, StartWorkflowOptions how) {
        if (components.get(component.id()) != component) {
            throw new IllegalArgumentException("Component '" + component.id() + "' is not one of this process's "
                    + "durable components: add it with DurableRuns.builder(db).component(...)");
        }
        O pending = component.acceptRun(request);
        String componentId = component.id();
        String runId = pending.runId();
        dbos.startWorkflow(() -> workflows.run(componentId, runId), how.withWorkflowId(runWorkflowId(runId)));
        return pending;
    }

    /**
     * A reader of a run's events from index {@code from} on, wherever it executes.
     *
     * @throws java.util.NoSuchElementException when the db has no such run
     */
    public dev.cadre.run.RunStream follow(String runId, int from) {
        RunResult stored = db.getRun(runId).orElseThrow(() ->
                new java.util.NoSuchElementException("No run " + runId + " in the db"));
        return log.follow(db, runId, stored.sessionId(), from);
    }

    public boolean executes(Component<?> component) {
        return components.get(component.id()) == component;
    }

    static String runWorkflowId(String runId) {
        return "cadre-run:" + runId;
    }

    public String instanceId() {
        return instanceId;
    }

    public List<String> recoverNow() {
        return recovery.round();
    }

    /** Whether {@link #drain} was called: this process lets go of its runs, for the others to resume them. */
    public boolean draining() {
        return impl.draining();
    }

    /**
     * Lets the runs executing here finish within {@code grace}, taking no new ones (a run taken meanwhile is let
     * go of at once, and queued again once DBOS is down), then lets go of the rest — they stop where they are,
     * write nothing more, and stay pending for the other processes to resume — and shuts DBOS down. Returns how
     * many were let go of.
     */
    public int drain(Duration grace) throws InterruptedException {
        impl.drain();
        recovery.close();
        int left = impl.awaitIdle(grace);
        released.set(true);
        dbos.shutdown();
        // The shutdown interrupts the runs still here; each lets go of its run on its own thread. Until they have,
        // a cancel (the run manager's own shutdown, which follows) could still win the run's decision and end it
        // CANCELLED instead of leaving it to the process that resumes it. Their model calls are aborted at once.
        if (left > 0 && impl.awaitIdle(LET_GO_WAIT) > 0) {
            LOG.warn("{} run(s) had not let go {} after the shutdown interrupted them", impl.awaitIdle(Duration.ZERO),
                    LET_GO_WAIT);
        }
        log.close(); // what the runs sent before they were let go of is written for their readers
        signals.close();
        try {
            queueAgain(impl.notStarted());
        } finally {
            connections.close();
        }
        return left;
    }

    /**
     * Queues again the workflows this process took while it drained and let go of at once: pending under its
     * name, they would wait for its heartbeat to be stale — forever, if it lives on. Done once DBOS is down here
     * (through a client of its tables), so that this process's queue worker cannot take them once more.
     */
    private void queueAgain(java.util.Set<String> workflowIds) {
        if (workflowIds.isEmpty()) {
            return;
        }
        try (DBOSClient client = new DBOSClient(connections, schema)) {
            for (String id : workflowIds) {
                Optional<WorkflowStatus> s = client.getWorkflowStatus(id);
                if (s.isPresent() && s.get().status() == WorkflowState.PENDING && instanceId.equals(s.get().executorId())) {
                    client.resumeWorkflow(id, s.get().queueName());
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not queue again the {} workflow(s) taken while draining ({}); the other processes "
                    + "resume them once this one's heartbeat is stale", workflowIds.size(), e.getMessage());
        }
    }

    /**
     * Waits until the runs' workflows have returned and DBOS has recorded their outcome (a workflow returns before
     * DBOS writes it), or the deadline passes: a workflow left pending would be executed again, to find its end.
     */
    private void awaitRecorded(List<String> runIds, long deadline) throws InterruptedException {
        impl.awaitIdle(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        for (String runId : runIds) {
            while (System.nanoTime() < deadline && dbos.getWorkflowStatus(runWorkflowId(runId))
                    .map(s -> s.status() == WorkflowState.PENDING).orElse(false)) {
                Thread.sleep(10); // the pace of a look at DBOS's table, not a synchronisation
            }
        }
    }

    @Override
    public void close() {
        if (!released.get()) {
            // Not a drain: the runs executing here are cancelled (as documented), their ends stored and recorded
            // while DBOS still runs — else its shutdown fails their steps and they would end ERROR.
            impl.drain();
            List<String> cancelled = impl.cancelExecuting();
            if (!cancelled.isEmpty()) {
                try {
                    awaitRecorded(cancelled, System.nanoTime() + CANCEL_ON_CLOSE.toNanos());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        recovery.close();
        dbos.shutdown();
        log.close();
        signals.close();
        connections.close();
    }
}
