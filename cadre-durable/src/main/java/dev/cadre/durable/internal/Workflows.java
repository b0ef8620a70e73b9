package dev.cadre.durable.internal;

import dev.cadre.Component;
import dev.cadre.json.CadreJson;
import dev.cadre.run.RunResult;
import dev.cadre.run.StepTask;
import dev.dbos.transact.DBOS;
import dev.dbos.transact.workflow.Workflow;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The workflows' code. A run's workflow executes the run through the engine ({@code resumeRun}), whose steps go
 * to the {@link DbosJournal}; a step's workflow does the work a run of this process attached to it, or — when
 * the run that started it is gone with its process — performs the step from its description.
 */
public final class Workflows implements CadreWorkflows {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Workflows.class);

    private final Map<String, Component<?>> components;
    private final Attachments attachments;
    private volatile DbosJournal journal;
    private volatile EventLog log;

    Workflows(Map<String, Component<?>> components, Attachments attachments) {
        this.components = Map.copyOf(components);
        this.attachments = attachments;
    }

    void journal(DbosJournal journal, EventLog log) {
        this.journal = journal;
        this.log = log;
    }

    /** Workflows executing here now, and whether this process is letting go of them. */
    private final java.util.concurrent.atomic.AtomicInteger executing = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean draining;
    /** Workflows this process took while it drained and let go of before they did anything: to queue again. */
    private final java.util.Set<String> notStarted = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** The runs whose workflows execute here now, by run id, with their component's id: what a stop cancels. */
    private final java.util.Map<String, String> runs = new java.util.concurrent.ConcurrentHashMap<>();
    /** Where a run's workflow whose body failed goes to be queued again ({@link Recovery#handBack}). */
    private volatile java.util.function.Consumer<String> handBack = id -> { };

    void handBack(java.util.function.Consumer<String> to) {
        this.handBack = to;
    }

    @Override
    @Workflow(name = "cadre-run")
    public String run(String componentId, String runId) {
        return executing(true, () -> {
            runs.put(runId, componentId);
            try {
                return execute(componentId, runId);
            } finally {
                runs.remove(runId);
            }
        });
    }

    private String execute(String componentId, String runId) {
        EventLog.Appender events = appender(runId);
        Component<?> component = component(componentId);
        // Taking the run up (its claim, its cancel requests) waits out an outage; what fails once its steps
        // began is not done again in this execution, which would redo them instead of replaying them.
        RunResult ended = journal.patientlyUntilStepped(() -> component.resumeRun(runId, journal, events));
        if (ended.status().isTerminal()) {
            events.endIfMissing(LoggedEvents.end(ended));
        }
        return ended.status().name();
    }

    /**
     * Cancels the runs executing here (for a stop that is not a drain): each ends {@code CANCELLED}, its end stored and
     * recorded, before DBOS shuts down. Returns the ids of the runs asked to.
     */
    java.util.List<String> cancelExecuting() {
        java.util.List<String> asked = new java.util.ArrayList<>();
        for (var run : java.util.Map.copyOf(runs).entrySet()) {
            try {
                components.get(run.getValue()).cancelRun(run.getKey());
                asked.add(run.getKey());
            } catch (RuntimeException e) {
                LOG.warn("Could not cancel run {} as this process stops: {}", run.getKey(), e.getMessage());
            }
        }
        return asked;
    }

    @Override
    @Workflow(name = "cadre-step")
    public String step(String task) {
        return executing(false, () -> {
            // As a run's workflow: an outage is waited out only until the step's own steps began (a member run's).
            Object value = attachments.take(DBOS.workflowId()).<Object>map(w -> journal.patientlyUntilStepped(w.work()))
                    .orElseGet(() -> {
                        // Its run is gone with its process: the step is done from its description, its events (a
                        // member run's) logged with the run they belong to, the outermost.
                        StepTask t = Tasks.read(task);
                        Component<?> root = component(t.componentPath().get(0));
                        return journal.patientlyUntilStepped(() -> root.performStep(t, journal,
                                appender(outermost(root, t.runId()))));
                    });
            return CadreJson.write(value);
        });
    }

    /**
     * Runs a workflow's body, counted. A workflow this process lets go of — taken while it drains, or stopped by
     * the shutdown — returns with its thread's interrupt set: DBOS then records no outcome, and the workflow
     * stays pending for another process to resume. So does a run's workflow whose body fails ({@code run}): DBOS
     * would record the failure and end the workflow, its run left {@code RUNNING} for good; instead it is queued
     * again ({@link #handBack}) and resumed from its last completed step.
     */
    private String executing(boolean run, java.util.function.Supplier<String> body) {
        executing.incrementAndGet();
        String id = DBOS.workflowId();
        Runnable left = journal.enter();
        boolean failed = false;
        try {
            // A step's workflow that a run executing here started during the drain is part of that run: it goes on
            // within the grace period as the run does.
            if (draining && (run || !attachments.has(id))) {
                notStarted.add(id);
                Thread.currentThread().interrupt();
                return null;
            }
            String out = body.get();
            if (journal.released()) {
                Thread.currentThread().interrupt();
            }
            return out;
        } catch (RuntimeException e) {
            if (!run || journal.released()) {
                throw e;
            }
            LOG.error("The workflow of durable run {} failed; it is left unfinished and queued again, to be resumed "
                    + "from its last completed step", id, e);
            failed = true;
            Thread.currentThread().interrupt();
            return null;
        } finally {
            left.run();
            if (failed) {
                handBack.accept(id);
            }
            if (executing.decrementAndGet() == 0) {
                synchronized (executing) {
                    executing.notifyAll();
                }
            }
        }
    }

    /** The run {@code runId} is part of: itself, or the team run its parents lead up to. */
    private static String outermost(Component<?> root, String runId) {
        dev.cadre.db.Db db = root.db().orElseThrow();
        String id = runId;
        for (int depth = 0; depth < 64; depth++) {
            java.util.Optional<String> parent = db.getRun(id).flatMap(RunResult::parentRunId);
            if (parent.isEmpty()) {
                return id;
            }
            id = parent.get();
        }
        return id;
    }

    /**
     * The run's event log; while the db cannot be read (an outage), waits for it: failing here would end the
     * workflow with an error and strand the run.
     */
    private EventLog.Appender appender(String runId) {
        long backoff = 100;
        while (true) {
            try {
                return log.appender(runId);
            } catch (IllegalStateException e) {
                if (draining) {
                    throw e;
                }
                try {
                    Thread.sleep(backoff); // a retry's pace, not a synchronisation
                } catch (InterruptedException stop) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                backoff = Math.min(backoff * 2, 2_000);
            }
        }
    }

    /** Waits until no workflow executes here, or {@code timeout} has passed; returns how many still do. */
    int awaitIdle(java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (executing) {
            while (executing.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(executing, left);
            }
            return executing.get();
        }
    }

    /** From now on, workflows that start here are let go of at once. */
    void drain() {
        draining = true;
    }

    boolean draining() {
        return draining;
    }

    /** The workflows let go of at once during the drain ({@link #drain}), before they did anything. */
    java.util.Set<String> notStarted() {
        return java.util.Set.copyOf(notStarted);
    }

    private Component<?> component(String id) {
        Component<?> c = components.get(id);
        if (c == null) {
            throw new NoSuchElementException("No component '" + id + "' in this process's durable runs (it has: "
                    + String.join(", ", components.keySet()) + "); every process must serve the same components");
        }
        return c;
    }
}
