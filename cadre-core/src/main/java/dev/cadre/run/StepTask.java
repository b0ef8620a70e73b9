package dev.cadre.run;

import java.util.List;
import java.util.Objects;

/**
 * What one of several parallel steps of a run does ({@link RunJournal#steps}), said so that a process that did
 * not start the step can do it: a durable executor keeps it with the step, and when the process that started the
 * step died with it, another one performs it from this description
 * ({@link dev.cadre.BaseComponent#performStep}). Values of Cadre's types, written as JSON.
 */
public sealed interface StepTask {

    /**
     * The run the step belongs to: its id, and the path of component ids from the top-level component down to
     * the run's own (a member of a team of a team: {@code [outer, inner, member]}).
     */
    String runId();

    List<String> componentPath();

    /**
     * A tool call of a model turn: tool {@code toolName} with {@code arguments} (the model's JSON). A delegation
     * to a member is a tool call too: its member run is then part of the step.
     *
     * @param key where the call is in its run ({@code runId/turn/call}): member run ids are made from it
     */
    record ToolCall(String runId, List<String> componentPath, String key, String toolName, String arguments)
            implements StepTask {
        public ToolCall {
            Objects.requireNonNull(runId, "runId");
            componentPath = List.copyOf(componentPath);
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(toolName, "toolName");
            Objects.requireNonNull(arguments, "arguments");
        }
    }

    /**
     * One member's run of a broadcast delegation (every member at once): member {@code memberId} of team run
     * {@code runId}, given {@code task}.
     *
     * @param key where the delegation is in the team run: the member run id is made from it
     */
    record MemberRun(String runId, List<String> componentPath, String key, String memberId, String task)
            implements StepTask {
        public MemberRun {
            Objects.requireNonNull(runId, "runId");
            componentPath = List.copyOf(componentPath);
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(memberId, "memberId");
            Objects.requireNonNull(task, "task");
        }
    }
}
