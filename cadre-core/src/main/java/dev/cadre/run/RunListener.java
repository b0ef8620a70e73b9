package dev.cadre.run;

import dev.cadre.model.Model;

/**
 * Observes runs as they go: their start and end, each model request, tool call and delegation, and
 * cancels. Tracing and metrics are built on it. Register one per run manager
 * ({@code RunManager.builder().listener(...)}: every run of the manager) or per agent or team
 * ({@code listener(...)} on its builder: its runs and the runs of its members, nested teams included).
 *
 * <p><b>Threading.</b> Callbacks come on the run's own threads (the run's, its model call's, its tools'),
 * synchronously and in the order things happen within one run; runs call back concurrently. Keep them
 * quick and non-blocking: a slow callback slows its run down. Calls for one run never overlap, except
 * that parallel tool calls and broadcast delegations report from their own threads. A member run that ends while
 * its team run is cancelled reports its end ({@code runEnded}, then the team's {@code delegationEnded}) on the team
 * run's thread, once its end is stored (it is written with the team run's).
 *
 * <p><b>Failure.</b> A listener cannot break a run: whatever a callback throws is logged and ignored, and
 * the run goes on. Every method has an empty default; implement the ones needed.
 */
public interface RunListener {

    /** The run started executing (for a background run: left the queue). */
    default void runStarted(RunInfo run) {
    }

    /** The run ended; {@code end} is its final state as stored. Called once per run that started. */
    default void runEnded(RunInfo run, RunResult end) {
    }

    /** A request to the run's model is about to be sent. */
    default void modelRequestStarted(RunInfo run, Model model) {
    }

    /** The request answered, failed or was aborted. */
    default void modelRequestEnded(RunInfo run, ModelCall call) {
    }

    /** A tool is about to be called ({@code call} has its name and arguments). */
    default void toolCallStarted(RunInfo run, ToolExecution call) {
    }

    /** A tool call returned or failed ({@code call} has its result and timing). */
    default void toolCallEnded(RunInfo run, ToolExecution call) {
    }

    /** A team run hands a task to a member: {@code member} is the member run about to start. */
    default void delegationStarted(RunInfo team, RunInfo member, String task) {
    }

    /** The member run ended; {@code end} is its final state. */
    default void delegationEnded(RunInfo team, RunInfo member, RunResult end) {
    }

    /**
     * The run's cancel was decided (it ends {@code CANCELLED}), with its reason. Called on the cancelling
     * thread, once per run: for a team run, once for it and once for each member it reaches. It is called
     * before the run's in-flight model request is aborted, so always before that run's {@link #runEnded}.
     */
    default void cancelRequested(RunInfo run, String reason) {
    }
}
