package dev.cadre.durable.internal;

import dev.cadre.json.CadreJson;
import dev.cadre.run.StepTask;
import java.util.Optional;

/** A {@link StepTask} as the argument of a step's workflow: JSON with its kind. */
final class Tasks {

    private Tasks() {
    }

    /** The one of the two that is present says which kind it is. */
    record Envelope(Optional<StepTask.ToolCall> toolCall, Optional<StepTask.MemberRun> memberRun) {
    }

    static String write(StepTask task) {
        return CadreJson.write(switch (task) {
            case StepTask.ToolCall t -> new Envelope(Optional.of(t), Optional.empty());
            case StepTask.MemberRun m -> new Envelope(Optional.empty(), Optional.of(m));
        });
    }

    static StepTask read(String json) {
        Envelope e = CadreJson.read(json, Envelope.class);
        return e.toolCall().<StepTask>map(t -> t).or(() -> e.memberRun()).orElseThrow(() ->
                new IllegalArgumentException("A step's description without a task: " + json));
    }

    /**
     * The id of a step's workflow: made from where the step is in its run, so that it is the same on every
     * execution of the run.
     */
    static String workflowId(StepTask task) {
        return switch (task) {
            case StepTask.ToolCall t -> "cadre-step:" + t.key();
            case StepTask.MemberRun m -> "cadre-step:" + m.key() + "/" + m.memberId();
        };
    }
}
