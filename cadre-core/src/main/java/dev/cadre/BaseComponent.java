package dev.cadre;

import dev.cadre.internal.RunEngine;
import dev.cadre.internal.Spec;
import dev.cadre.internal.ToolDefinitions;
import dev.cadre.model.Model;
import dev.cadre.model.ToolDefinition;
import dev.cadre.run.CancelResult;
import dev.cadre.run.Run;
import dev.cadre.run.RunJournal;
import dev.cadre.run.RunRequest;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStream;
import dev.cadre.db.Db;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** The run methods agents and teams share; each is a thin call into the engine. */
abstract sealed class BaseComponent<O extends RunResult> permits Agent, Team {

    private final Class<O> outputType;
    private final Optional<Db> db;
    private final RunManager runManager;
    private RunEngine engine;

    BaseComponent(Class<O> outputType, Optional<Db> db, RunManager runManager) {
        this.outputType = outputType;
        this.db = db;
        this.runManager = runManager;
    }

    abstract Spec spec();

    private synchronized RunEngine engine() {
        if (engine == null) {
            engine = runManager.engine(db);
        }
        return engine;
    }

    public String id() {
        return spec().id();
    }

    public String name() {
        return spec().name();
    }

    public Optional<Model> model() {
        return spec().model();
    }

    public Optional<Db> db() {
        return db;
    }

    public List<ToolDefinition> toolDefinitions() {
        return List.copyOf(ToolDefinitions.of(spec()));
    }

    public Optional<Model> userMemoryModel() {
        var memory = spec().settings().memory();
        return memory.update() ? memory.model().or(this::model) : Optional.empty();
    }

    /** The manager this component's runs are registered with. */
    public RunManager runManager() {
        return runManager;
    }

    public Run<O> start(String input) {
        return start(RunRequest.of(input));
    }

    public Run<O> start(RunRequest request) {
        return engine().start(spec(), request, RunEngine.Mode.STREAM, outputType);
    }

    public Run<O> startInBackground(String input) {
        return startInBackground(RunRequest.of(input));
    }

    public Run<O> startInBackground(RunRequest request) {
        return engine().startInBackground(spec(), request, outputType);
    }

    public O run(String input) {
        return run(RunRequest.of(input));
    }

    public O run(RunRequest request) {
        Run<O> run = engine().start(spec(), request, RunEngine.Mode.BLOCKING, outputType);
        try {
            return run.await();
        } catch (InterruptedException e) {
            // Interrupting the caller cancels the run; the caller still gets its (cancelled) end.
            run.cancel();
            try {
                return run.future().join();
            } catch (CompletionException failed) {
                throw failed.getCause() instanceof RuntimeException re ? re : failed;
            } finally {
                Thread.currentThread().interrupt();
            }
        }
    }

    public CompletableFuture<O> runAsync(String input) {
        return runAsync(RunRequest.of(input));
    }

    /** Starts a run; the future completes with its final state. Cancelling the future cancels the run. */
    public CompletableFuture<O> runAsync(RunRequest request) {
        return engine().start(spec(), request, RunEngine.Mode.BLOCKING, outputType).future();
    }

    public RunStream stream(String input) {
        return stream(RunRequest.of(input));
    }

    public RunStream stream(RunRequest request) {
        return start(request).events();
    }

    public O runInBackground(String input) {
        return runInBackground(RunRequest.of(input));
    }

    public O runInBackground(RunRequest request) {
        return engine().submitInBackground(spec(), request, outputType).pending();
    }

    /**
     * For durable executors: stores a new run of this component {@code PENDING} and returns it, without executing
     * it — the executor executes it, here or in another process, with {@link #resumeRun}. Until then a cancel of
     * it is a cancel request through the db.
     *
     * @throws dev.cadre.run.RunRefusedException without a db or a model
     * @throws dev.cadre.db.DbException when the db cannot store it
     */
    public O acceptRun(RunRequest request) {
        return outputType.cast(engine().accept(spec(), request));
    }

    /**
     * For durable executors: executes again, on the calling thread, a run of this component that an earlier
     * execution left unfinished (its process died), and returns its end as stored. The run is taken over in
     * the db (this process becomes its owner); {@code journal} replays the steps the earlier execution
     * recorded — model turns, tool calls, member runs — so that they are not done again, and records the rest.
     * Cancel it as any run, through its manager. A run that is terminal by then is returned as stored.
     *
     * @throws dev.cadre.run.RunRefusedException without a db
     * @throws IllegalArgumentException for a run of another component
     * @throws java.util.NoSuchElementException when the db has no such run
     */
    public RunResult resumeRun(String runId, RunJournal journal) {
        return engine().resume(spec(), runId, journal, java.util.Optional.empty());
    }

    /**
     * {@link #resumeRun(String, RunJournal)}, its events streamed to {@code events} (replayed steps announce
     * themselves again, without their text). {@code events} is called on the run's threads; what it throws is logged and ignored.
     */
    public RunResult resumeRun(String runId, RunJournal journal, java.util.function.Consumer<dev.cadre.event.RunEvent> events) {
        return engine().resume(spec(), runId, journal, java.util.Optional.of(events));
    }

    /**
     * For durable executors: performs here one parallel step of a run of this component (or of one of its
     * members, at any depth) that another process started and could not finish — a tool call, or a member run
     * of a broadcast — from its description. Returns the step's value, of the type the run's journal asked for
     * in {@link RunJournal#steps}; record it as such. Steps the work asks for (a member run's) go to
     * {@code journal}. A cancel of the run that reaches this process stops the step.
     *
     * @throws dev.cadre.run.RunRefusedException without a db
     * @throws java.util.NoSuchElementException when the db has no such run or the component no such member
     */
    public Object performStep(dev.cadre.run.StepTask task, RunJournal journal) {
        return engine().perform(spec(), task, journal, java.util.Optional.empty());
    }

    /** {@link #performStep(dev.cadre.run.StepTask, RunJournal)}, the step's events streamed to {@code events}. */
    public Object performStep(dev.cadre.run.StepTask task, RunJournal journal,
            java.util.function.Consumer<dev.cadre.event.RunEvent> events) {
        return engine().perform(spec(), task, journal, java.util.Optional.of(events));
    }

    public Optional<O> getRunOutput(String runId, String sessionId) {
        return engine().getRunOutput(spec(), runId, sessionId).filter(outputType::isInstance).map(outputType::cast);
    }

    public CompletableFuture<Optional<O>> getRunOutputAsync(String runId, String sessionId) {
        return CompletableFuture.supplyAsync(() -> getRunOutput(runId, sessionId), VIRTUAL);
    }

    public CancelResult cancelRun(String runId) {
        return runManager.cancel(runId, db);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[id=" + id() + ", name=" + name() + "]";
    }

    private static final java.util.concurrent.Executor VIRTUAL = task -> Thread.ofVirtual().start(task);

    /** Agno's default id: the name in lower case, with runs of other characters turned into '-'. */
    static String urlSafe(String name) {
        String id = name.trim().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]+", "-").replaceAll("^-+|-+$", "");
        if (id.isEmpty()) {
            throw new IllegalArgumentException("Cannot make an id from the name '" + name + "': give an id(...)");
        }
        return id;
    }

    static String requireName(String name, String what) {
        if (name == null || name.isBlank()) {
            throw new IllegalStateException(what + " needs a name: call name(...) before build()");
        }
        return name;
    }
}
