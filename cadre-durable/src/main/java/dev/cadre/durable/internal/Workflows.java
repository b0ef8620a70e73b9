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

    private final Map<String, Component<?>> components;
    private final Attachments attachments;
    private volatile DbosJournal journal;

    Workflows(Map<String, Component<?>> components, Attachments attachments) {
        this.components = Map.copyOf(components);
        this.attachments = attachments;
    }

    void journal(DbosJournal journal) {
        this.journal = journal;
    }

    /** Workflows executing here now, and whether this process is letting go of them. */
    private final java.util.concurrent.atomic.AtomicInteger executing = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean draining;

    @Override
    @Workflow(name = "cadre-run")
    public String run(String componentId, String runId) {
        return executing(() -> {
            RunResult end = journal.patiently(() -> component(componentId).resumeRun(runId, journal));
            return end.status().name();
        });
    }

    @Override
    @Workflow(name = "cadre-step")
    public String step(String task) {
        return executing(() -> {
            Object value = attachments.take(DBOS.workflowId()).<Object>map(w -> journal.patiently(w.work()))
                    .orElseGet(() -> {
                        StepTask t = Tasks.read(task);
                        return journal.patiently(() -> component(t.componentPath().get(0)).performStep(t, journal));
                    });
            return CadreJson.write(value);
        });
    }

    /**
     * Runs a workflow's body, counted. A workflow this process lets go of — taken while it drains, or stopped by
     * the shutdown — returns with its thread's interrupt set: DBOS then records no outcome, and the workflow
     * stays pending for another process to resume.
     */
    private String executing(java.util.function.Supplier<String> body) {
        executing.incrementAndGet();
        Runnable left = journal.enter();
        try {
            if (draining) {
                Thread.currentThread().interrupt();
                return null;
            }
            String out = body.get();
            if (journal.released()) {
                Thread.currentThread().interrupt();
            }
            return out;
        } finally {
            left.run();
            if (executing.decrementAndGet() == 0) {
                synchronized (executing) {
                    executing.notifyAll();
                }
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

    private Component<?> component(String id) {
        Component<?> c = components.get(id);
        if (c == null) {
            throw new NoSuchElementException("No component '" + id + "' in this process's durable runs (it has: "
                    + String.join(", ", components.keySet()) + "); every process must serve the same components");
        }
        return c;
    }
}
