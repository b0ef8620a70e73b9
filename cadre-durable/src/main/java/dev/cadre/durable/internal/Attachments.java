package dev.cadre.durable.internal;

import dev.cadre.run.RunJournal;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The work of parallel steps started by runs of this process, by the id of the step's workflow: the step's
 * workflow, when this process executes it, does the work of the run that started it (linked to it: its
 * streams, its cancellation). A step's workflow that finds none here was started by a process that is gone, and
 * performs its step from the step's description instead.
 */
final class Attachments {

    private final Map<String, RunJournal.Work<?>> byWorkflow = new ConcurrentHashMap<>();

    void put(String workflowId, RunJournal.Work<?> work) {
        byWorkflow.put(workflowId, work);
    }

    Optional<RunJournal.Work<?>> take(String workflowId) {
        return Optional.ofNullable(byWorkflow.remove(workflowId));
    }

    /** Whether a run of this process attached work to {@code workflowId}. */
    boolean has(String workflowId) {
        return workflowId != null && byWorkflow.containsKey(workflowId);
    }

    void drop(String workflowId) {
        byWorkflow.remove(workflowId);
    }
}
