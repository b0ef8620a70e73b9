package dev.cadre.run;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One run of an agent or team, from its start to its end: the handle that starting a run returns
 * ({@code start}, {@code startInBackground}) and that {@link dev.cadre.RunManager#find} finds by id.
 *
 * <pre>{@code
 * Run<TeamRunOutput> run = team.start(RunRequest.of("Write a story"));
 * try (RunStream events = run.events()) {
 *     for (RunEvent e : events) { ... }
 * }
 * TeamRunOutput out = run.await();
 * }</pre>
 *
 * <p><b>Threading.</b> The run executes on virtual threads of its own; every method of the handle may be
 * called from any thread, any number of times, except that {@link #events()} is read once, by one thread.
 * No method interrupts the run's threads.
 *
 * <p><b>Failure.</b> A run that fails (a model error, a tool limit) is not an exception: it ends
 * {@link RunStatus#ERROR} with its error. The waiting methods throw only when the run's end could not be
 * stored ({@link dev.cadre.db.DbException}: the process shut down while the db refused it) and when the
 * waiting thread is interrupted (which does not cancel the run: call {@link #cancel()} for that).
 *
 * <p><b>Final states.</b> The run's end is announced — {@link #result()} present, {@link #await()} returning,
 * the terminal event in {@link #events()} — only once the db holds it.
 *
 * @param <O> {@link RunOutput} for agents, {@link TeamRunOutput} for teams
 */
public interface Run<O extends RunResult> {

    String runId();

    String sessionId();

    /** The id of the agent or team this is a run of. */
    String componentId();

    /** The status now; terminal once the end is stored. Never blocks. */
    RunStatus status();

    /**
     * The run's state now — while it runs, its partial content, messages and tool calls so far; once it has
     * ended, its end as stored. Never blocks.
     */
    O snapshot();

    /**
     * The run's live events, ending with its terminal event, for a run started streaming ({@code start}).
     * Read them, or call {@link #await()}: until one of the two, the run holds at most the run manager's
     * stream buffer of events and then waits for a reader (back pressure). A cancel ends the run either way.
     *
     * @throws IllegalStateException for a run that was not started streaming (a background run, a run of
     *     {@code run} or {@code runAsync}): its events are stored with it and reported to {@link RunListener}s
     */
    RunStream events();

    /**
     * Waits for the end and returns it as stored. Events of a streamed run not yet read are skipped.
     *
     * @throws InterruptedException when the waiting thread is interrupted (the run goes on)
     * @throws dev.cadre.db.DbException when the end could not be stored
     */
    O await() throws InterruptedException;

    /**
     * Waits at most {@code timeout} for the end; empty when the run has not ended by then.
     *
     * @throws InterruptedException when the waiting thread is interrupted (the run goes on)
     * @throws dev.cadre.db.DbException when the end could not be stored
     */
    Optional<O> await(Duration timeout) throws InterruptedException;

    /** The end as stored, once the run has ended; empty before. Never blocks. */
    Optional<O> result();

    /**
     * Cancels the run and says what happened; see {@link dev.cadre.Component#cancelRun}. Idempotent; may be
     * called from any thread, including a listener's callback.
     */
    CancelResult cancel();

    /**
     * Completes with the end as stored (exceptionally with a {@link dev.cadre.db.DbException} when it could
     * not be stored). Cancelling the future cancels the run.
     */
    CompletableFuture<O> future();
}
