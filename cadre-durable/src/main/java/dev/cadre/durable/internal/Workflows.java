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

    @Override
    @Workflow(name = "cadre-run")
    public String run(String componentId, String runId) {
        RunResult end = component(componentId).resumeRun(runId, journal);
        return end.status().name();
    }

    @Override
    @Workflow(name = "cadre-step")
    public String step(String task) {
        Object value = attachments.take(DBOS.workflowId()).<Object>map(w -> w.work().get()).orElseGet(() -> {
            StepTask t = Tasks.read(task);
            return component(t.componentPath().get(0)).performStep(t, journal);
        });
        return CadreJson.write(value);
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
