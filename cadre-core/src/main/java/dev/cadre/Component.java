package dev.cadre;

import dev.cadre.model.Model;
import dev.cadre.model.ToolDefinition;
import dev.cadre.db.Db;
import dev.cadre.run.CancelResult;
import dev.cadre.run.Run;
import dev.cadre.run.RunRequest;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What agents and teams have in common: they run. A team's members are components too.
 *
 * <p>All methods are thread-safe; one agent or team can run many times at once.
 *
 * <p><b>Failures.</b> A run that fails (a model error, say) is not an exception: it ends with
 * status {@code ERROR} and the error's message. Exceptions are for calls that cannot start a run —
 * {@link dev.cadre.run.RunRefusedException} (no model, a run id in use, the manager shut down, no db
 * for a background run) or {@link dev.cadre.db.DbException} (the store cannot be written).
 *
 * <p><b>Final states.</b> A run's end is announced — its terminal event, the answer of {@code run},
 * {@code runAsync} and a cancel — only once the store holds it. When the store cannot take it, it is kept
 * and retried until it can, for as long as the process lives, and the run's caller waits meanwhile. Only a
 * run whose process shuts down with its end still not stored fails its caller, with a
 * {@link dev.cadre.db.DbException} saying so.
 *
 * @param <O> {@link dev.cadre.run.RunOutput} for agents, {@link dev.cadre.run.TeamRunOutput} for teams
 */
public sealed interface Component<O extends RunResult> permits Agent, Team {

    /** The id, unique among a team's members; by default the name made url-safe. */
    String id();

    String name();

    Optional<Model> model();

    /** Where this component's runs are kept; members' runs are kept in their team's store. */
    Optional<Db> db();

    /** The manager this component's runs are registered with: where to wait for them ({@code awaitRun}). */
    RunManager runManager();

    /**
     * The functions this component's model is offered on every request, as the model sees them: for a team
     * leader its delegation tool first ({@code delegate_task_to_member}, or {@code delegate_task_to_members} in
     * broadcast mode), then the component's own tools. Immutable.
     */
    List<ToolDefinition> toolDefinitions();

    /**
     * The model of its memory step when its completed runs of a user write user memories
     * ({@link ComponentBuilder#enableUserMemories}): the {@code memoryModel} set, else its own; empty when they
     * write none.
     */
    Optional<Model> userMemoryModel();

    /**
     * Starts a run now and returns its handle: the model is called streaming, and the run's events are read
     * from {@link Run#events()} (or skipped by {@link Run#await()}). The other run methods are conveniences
     * over this one and {@link #startInBackground(RunRequest)}.
     *
     * @throws dev.cadre.run.RunRefusedException when the run cannot start (no model, a run id in use, the
     *     manager shut down)
     * @throws dev.cadre.db.DbException when the db cannot take the new run
     */
    Run<O> start(RunRequest request);

    /** {@link #start(RunRequest)} with a new session. */
    Run<O> start(String input);

    /**
     * Starts a run in the background and returns its handle at once, the run already stored {@code PENDING};
     * the manager's executor runs it when it has room. Its events are stored with it.
     *
     * @throws dev.cadre.run.RunRefusedException when there is no db ({@code db(...)})
     * @throws java.util.concurrent.RejectedExecutionException when too many background runs wait (the run is
     *     stored {@code ERROR})
     */
    Run<O> startInBackground(RunRequest request);

    /** {@link #startInBackground(RunRequest)} with a new session. */
    Run<O> startInBackground(String input);

    /** Runs and waits for the end. Interrupting the calling thread cancels the run. */
    O run(String input);

    /** Runs and waits for the end. Interrupting the calling thread cancels the run. */
    O run(RunRequest request);

    /** Starts a run; the future completes with its final state. */
    CompletableFuture<O> runAsync(String input);

    /** Starts a run; the future completes with its final state. */
    CompletableFuture<O> runAsync(RunRequest request);

    /** Starts a run whose events are read from the returned stream; see {@link RunStream}. */
    RunStream stream(String input);

    /** Starts a run whose events are read from the returned stream; see {@link RunStream}. */
    RunStream stream(RunRequest request);

    /**
     * Starts a run in the background and returns at once with its state: {@code PENDING}, already
     * written to the store. Poll it with {@link #getRunOutput}.
     *
     * @throws dev.cadre.run.RunRefusedException when there is no store ({@code db(...)})
     * @throws java.util.concurrent.RejectedExecutionException when too many background runs wait
     */
    O runInBackground(String input);

    /** See {@link #runInBackground(String)}. */
    O runInBackground(RunRequest request);

    /**
     * A run of this component by id, from its store (or, with no store, while it runs here). Empty
     * when there is no such run in that session. A final state of the run still waiting for the store is
     * tried once more first; the answer is what the store holds.
     *
     * @throws dev.cadre.db.DbException when the store cannot be read
     */
    Optional<O> getRunOutput(String runId, String sessionId);

    /** {@link #getRunOutput} on a virtual thread. */
    CompletableFuture<Optional<O>> getRunOutputAsync(String runId, String sessionId);

    /**
     * Cancels a run by id, from any thread, and says what happened. A team run's cancel reaches its
     * members and nested teams. The in-flight model request is aborted and blocking tools are
     * interrupted; the run keeps its partial answer and ends {@code CANCELLED}. Idempotent.
     *
     * <p>For a run of this component's manager it waits (a few seconds at most) until the run's end is
     * stored, so the answer says what the db holds — or, with {@link CancelResult#finalStatePending()}, that
     * the db cannot take it yet. A run stored in this component's db but run by another process (or another
     * manager) gets a cancel request there ({@code REQUESTED}): its owner ends it at its next poll, keeping its
     * partial answer. See {@link RunManager#cancel(String, Db)}.
     *
     * @throws dev.cadre.db.DbException when the run does not run here and the store cannot be read
     */
    CancelResult cancelRun(String runId);

    // ---- for durable executors (a RunJournal that outlives the process) ----------------------------

    /**
     * Stores a new run {@code PENDING} without executing it, for a durable executor to execute here or in another
     * process with {@link #resumeRun}. Until then a cancel of it is a cancel request through the db.
     *
     * @throws dev.cadre.run.RunRefusedException without a db or a model
     */
    O acceptRun(RunRequest request);

    /**
     * Executes, on the calling thread, a stored run of this component that is not terminal — accepted and not
     * started, or left unfinished by a process that died — and returns its end as stored. This process becomes
     * its owner; {@code journal} replays the steps an earlier execution recorded (model turns, tool calls,
     * member runs) instead of doing them again, and records the rest. A terminal run is returned as stored.
     *
     * @throws IllegalArgumentException for a run of another component
     * @throws java.util.NoSuchElementException when the db has no such run
     */
    dev.cadre.run.RunResult resumeRun(String runId, dev.cadre.run.RunJournal journal);

    /**
     * {@link #resumeRun(String, dev.cadre.run.RunJournal)}, streamed: the run's events — its members' included, in
     * the order of a {@link #stream} — go to {@code events} as they happen, on the run's threads (one at a time for
     * the run itself, from their own threads for parallel members). Steps the journal replays announce themselves
     * again (their start and end events, not their text): the n-th event of a kind from one run is the same event
     * on every execution, so a reader that kept the earlier execution's events drops the repeats. Whatever
     * {@code events} throws is logged and the run goes on.
     */
    dev.cadre.run.RunResult resumeRun(String runId, dev.cadre.run.RunJournal journal,
            java.util.function.Consumer<dev.cadre.event.RunEvent> events);

    /**
     * Performs here one parallel step of a run of this component or of one of its members (a tool call, a
     * member run of a broadcast) from its description, for a durable executor whose process that started the
     * step died. Returns the step's value, of the type the run's journal asked for. A cancel of the run that
     * reaches this process stops the step.
     *
     * @throws java.util.NoSuchElementException when the db has no such run or this component no such member
     */
    Object performStep(dev.cadre.run.StepTask task, dev.cadre.run.RunJournal journal);

    /**
     * {@link #performStep(dev.cadre.run.StepTask, dev.cadre.run.RunJournal)}, streamed: the events of the step's
     * member run (for a member step) go to {@code events}, as they would to its team run's stream. Whatever
     * {@code events} throws is logged and the step goes on.
     */
    Object performStep(dev.cadre.run.StepTask task, dev.cadre.run.RunJournal journal,
            java.util.function.Consumer<dev.cadre.event.RunEvent> events);
}
