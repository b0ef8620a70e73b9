package dev.cadre.internal;

import dev.cadre.db.Db;
import dev.cadre.db.ProcessInstance;
import dev.cadre.db.SessionRecord;
import dev.cadre.db.SessionType;
import dev.cadre.run.Run;
import dev.cadre.run.RunFailure;
import dev.cadre.run.RunJournal;
import dev.cadre.run.RunRefusedException;
import dev.cadre.run.RunRequest;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.run.StepTask;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/**
 * Starts runs of agents and teams: registers each with its manager, writes it to the db, and launches it
 * on a virtual thread of its own (the run's thread) or hands it to the background executor. The run's
 * thread then goes through {@link Steps}; its end goes through {@link Finisher}.
 *
 * <p>Threads: every run executes on its own virtual thread; each model call and each tool call gets one of
 * its own, and the run's thread waits for them <em>or</em> for the run's cancellation, whichever comes
 * first — so a cancel never waits for the next chunk or for a tool to notice. The run's thread itself is
 * never interrupted: it is the one that writes to the db, and an interrupt would break connections.
 */
public final class RunEngine {

    /** Whether the model is called streaming (for {@code stream()} and {@code start()}) or not. */
    public enum Mode { BLOCKING, STREAM }

    private final EngineContext cx;
    private final Finisher finisher;
    private final Steps steps;
    private final ToolRound tools;
    private final Delegation delegation;
    private final RunJournal local;
    private final Resumption resumption;

    public RunEngine(EngineContext context) {
        this.cx = context;
        this.local = new LocalJournal(context.threads());
        this.finisher = new Finisher(context);
        this.delegation = new Delegation(this);
        this.tools = new ToolRound(context, delegation);
        this.steps = new Steps(context, new ModelTurn(context), tools, finisher);
        this.resumption = new Resumption(context, this);
    }

    Steps steps() {
        return steps;
    }

    ToolRound tools() {
        return tools;
    }

    Delegation delegation() {
        return delegation;
    }

    Finisher finisher() {
        return finisher;
    }

    // ---- entry points ----------------------------------------------------------------------------

    /**
     * Starts a run now on its own thread. In {@link Mode#STREAM} its events are read from the handle's
     * {@code events()}; otherwise they are only recorded.
     */
    public <O extends RunResult> Run<O> start(Spec spec, RunRequest request, Mode mode, Class<O> type) {
        RunRequest resolved = resolve(request);
        LiveRun r = register(spec, resolved, mode, RunStatus.RUNNING, mode == Mode.STREAM
                ? control -> new QueueRunStream(control.runId(), resolved.sessionId().orElseThrow(),
                        resolved.streamEvents(), control, cx.streamBuffer())
                : control -> EventSink.NONE, Optional.empty(), local);
        Run<O> handle = handle(r, type);
        cx.threads().start("cadre-run-" + r.state.runId, () -> {
            RunResult out = null;
            Throwable failure = null;
            try {
                out = steps.execute(r);
                failure = r.persistFailure;
            } catch (Throwable t) {
                failure = t;
            } finally {
                r.done.complete(null);
            }
            if (r.sink instanceof QueueRunStream stream) {
                stream.finish(out, failure);
            }
            if (failure != null) {
                r.result.completeExceptionally(failure);
            } else {
                r.result.complete(out);
            }
        });
        return handle;
    }

    /**
     * Writes the run as {@code PENDING} and hands it to the executor; returns at once. A cancel before the
     * executor starts it ends it {@code CANCELLED} (its abort action only flips the state and hands the
     * final write to a thread of its own: a canceller never waits inside the cancel).
     *
     * @throws RunRefusedException without a db
     * @throws RejectedExecutionException when the executor refuses it (the run is stored {@code ERROR})
     */
    public <O extends RunResult> Run<O> startInBackground(Spec spec, RunRequest request, Class<O> type) {
        return submitInBackground(spec, request, type).run();
    }

    /**
     * A background run just handed to the executor.
     *
     * @param pending its state as stored before the executor could start it
     */
    public record Background<O extends RunResult>(Run<O> run, O pending) {
    }

    /** {@link #startInBackground}, with the run's {@code PENDING} state as it was stored. */
    public <O extends RunResult> Background<O> submitInBackground(Spec spec, RunRequest request, Class<O> type) {
        if (cx.db().isEmpty()) {
            throw new RunRefusedException(RunRefusedException.Reason.NO_DB,
                    "Background runs need a db to keep their state: give " + spec.name()
                    + " one with db(...) (for example SqliteDb.file(\"cadre.db\"), or InMemoryDb for tests)");
        }
        LiveRun r = register(spec, request, Mode.BLOCKING, RunStatus.PENDING, c -> EventSink.NONE, Optional.empty(),
                local);
        // Queued until it leaves PENDING, whichever way: it starts, a cancel ends it, or the executor refuses it.
        cx.registry().queued();
        Run<O> handle = handle(r, type);
        O pending = type.cast(r.state.snapshot());
        var beforeStart = r.control.onAbort(() -> {
            if (r.state.moveStatus(RunStatus.PENDING, RunStatus.CANCELLED)) {
                cx.registry().leftQueue();
                cx.threads().start("cadre-end-" + r.state.runId,
                        () -> finisher.endUnstarted(r, RunStatus.CANCELLED, Optional.empty()));
            }
        });
        try {
            cx.executor().submit(cx.threads().wrap(() -> {
                beforeStart.close();
                if (!r.state.moveStatus(RunStatus.PENDING, RunStatus.RUNNING)) {
                    return; // cancelled while it waited: the cancel ends it
                }
                cx.registry().leftQueue();
                RunResult out = null;
                try {
                    finisher.progress(r);
                    out = steps.execute(r);
                } finally {
                    r.done.complete(null);
                    finisher.announce(r, out != null ? out : r.state.snapshot());
                }
            }));
        } catch (RejectedExecutionException e) {
            // Decide first: if a cancel won the decision, its abort action ends the run instead.
            if (r.control.decide(RunStatus.ERROR)) {
                beforeStart.close();
                if (r.state.moveStatus(RunStatus.PENDING, RunStatus.ERROR)) {
                    cx.registry().leftQueue();
                    finisher.endUnstarted(r, RunStatus.ERROR, Optional.of(new RunFailure("rejected", e.getMessage())));
                }
            }
            throw e;
        }
        return new Background<>(handle, pending);
    }

    /** {@link Resumption#accept}. */
    public RunResult accept(Spec spec, RunRequest request) {
        return resumption.accept(spec, request);
    }

    /** {@link Resumption#resume}. */
    public RunResult resume(Spec spec, String runId, RunJournal journal,
            Optional<java.util.function.Consumer<dev.cadre.event.RunEvent>> events) {
        return resumption.resume(spec, runId, journal, events);
    }

    /** {@link Resumption#perform}. */
    public Object perform(Spec root, StepTask task, RunJournal journal,
            Optional<java.util.function.Consumer<dev.cadre.event.RunEvent>> events) {
        return resumption.perform(root, task, journal, events);
    }

    /** The run as stored (or, without a db, as it is while it runs here). */
    public Optional<RunResult> getRunOutput(Spec spec, String runId, String sessionId) {
        // A final state waiting for the db is tried once more first: the answer is what the db holds.
        cx.finalWrites().ifPresent(w -> w.retryNow(runId));
        Optional<RunResult> found = cx.db().isPresent()
                ? cx.db().get().getRun(runId)
                : cx.registry().get(runId).map(a -> a.snapshot().get());
        return found.filter(r -> r.sessionId().equals(sessionId) && r.componentId().equals(spec.id()));
    }

    // ---- registering -----------------------------------------------------------------------------

    /**
     * Registers a new run (a member run when {@code parent} is present) and writes it to the db. The run is
     * not executing yet.
     *
     * @param journal where its steps are kept (a member run's are kept in its team run's journal)
     * @param resumed for a run stored before (and just claimed), when it was created: it is not written again
     * @throws RunRefusedException without a model, with a run id in use, or when the manager is shut down
     */
    LiveRun register(Spec spec, RunRequest request, Mode mode, RunStatus initial,
            Function<RunControl, EventSink> sinkFor, Optional<LiveRun> parent, RunJournal journal) {
        return register(spec, request, mode, initial, sinkFor, parent, journal, Optional.empty());
    }

    LiveRun register(Spec spec, RunRequest request, Mode mode, RunStatus initial,
            Function<RunControl, EventSink> sinkFor, Optional<LiveRun> parent, RunJournal journal,
            Optional<Instant> resumed) {
        if (spec.model().isEmpty()) {
            throw new RunRefusedException(RunRefusedException.Reason.NO_MODEL,
                    (spec instanceof Spec.TeamSpec ? "Team '" : "Agent '") + spec.name()
                    + "' has no model: set one with model(...)");
        }
        String runId = request.runId().orElseGet(() -> UUID.randomUUID().toString());
        String sessionId = request.sessionId().orElseGet(() -> UUID.randomUUID().toString());
        RunControl control = parent.map(p -> p.control.child(runId)).orElseGet(() -> RunControl.root(runId));
        RunState state = new RunState(spec, runId, sessionId, parent.map(p -> p.state.runId), request.userId(),
                request.input(), initial, resumed.orElseGet(Events::now));
        state.requestSchema(request.outputSchema());
        List<String> ancestors = parent.map(p -> {
            List<String> chain = new ArrayList<>(List.of(p.state.runId));
            chain.addAll(p.ancestors);
            return List.copyOf(chain);
        }).orElse(List.of());
        Listeners listeners = parent.map(p -> p.listeners).orElse(cx.listeners()).plus(spec.settings().listeners());
        List<String> path = new ArrayList<>(parent.map(p -> p.path).orElse(List.of()));
        path.add(spec.id());
        LiveRun r = new LiveRun(state, control, mode, sinkFor.apply(control), ancestors, listeners,
                parent.map(p -> p.journal).orElse(journal), path, parent);
        if (!listeners.isEmpty()) {
            // Abort actions run once the cancel has won, its reason decided with it.
            control.onAbort(() -> listeners.call(r.info, l -> l.cancelRequested(r.info, control.reason())));
        }
        CompletableFuture<RunResult> finished = new CompletableFuture<>();
        try {
            r.active = cx.registry().register(new RunRegistry.ActiveRun(runId, spec.id(), sessionId, control,
                    state::snapshot, finished, r.settled, r::finalStatePending, new RunHandle(r, cx), cx.db()),
                    parent.isPresent());
        } catch (RuntimeException e) {
            control.detach();
            throw e;
        }
        r.done.whenComplete((v, t) -> {
            RunResult end = r.outcome;
            finished.complete(end != null ? end : state.snapshot());
            r.settled.complete(null);
        });
        if (cx.db().isPresent() && resumed.isEmpty()) {
            try {
                Db db = cx.db().get();
                if (parent.isEmpty()) {
                    Instant now = Events.now();
                    // The session and the run in one write: accepting a run costs one commit.
                    db.startRun(new SessionRecord(sessionId,
                            spec instanceof Spec.TeamSpec ? SessionType.TEAM : SessionType.AGENT, spec.id(),
                            request.userId(), Optional.empty(), now, now), state.snapshot(), ProcessInstance.id());
                } else {
                    insertMember(db, state);
                }
            } catch (RuntimeException e) {
                cx.registry().discard(r.active);
                control.detach();
                r.done.complete(null);
                throw e;
            }
        }
        return r;
    }

    /**
     * A member run that is in the db already was started by an earlier execution of its team run (member run ids
     * are made from where the delegation is): the team run is being resumed, and so is the member run.
     */
    private static void insertMember(Db db, RunState state) {
        try {
            db.insertRun(state.snapshot(), ProcessInstance.id());
        } catch (dev.cadre.db.DbException e) {
            if (e.kind() != dev.cadre.db.DbException.Kind.CONFLICT) {
                throw e;
            }
            RunResult stored = db.claimRun(state.runId, ProcessInstance.id()).orElseThrow(() -> e);
            if (stored.status().isTerminal()) {
                throw new EndedBefore(stored);
            }
        }
    }

    /** A member run that an earlier execution of its team run already ended: its end stands. */
    static final class EndedBefore extends RuntimeException {
        final transient RunResult stored;

        EndedBefore(RunResult stored) {
            super(null, null, false, false);
            this.stored = stored;
        }
    }

    /** A run id and session id for a request that has none. */
    static RunRequest resolve(RunRequest request) {
        if (request.runId().isPresent() && request.sessionId().isPresent()) {
            return request;
        }
        return new RunRequest(request.input(),
                Optional.of(request.sessionId().orElseGet(() -> UUID.randomUUID().toString())),
                Optional.of(request.runId().orElseGet(() -> UUID.randomUUID().toString())), request.userId(),
                request.streamEvents(), request.outputSchema());
    }

    /** The run's handle, typed as its caller asked (agents' runs are RunOutputs, teams' TeamRunOutputs). */
    @SuppressWarnings("unchecked")
    private static <O extends RunResult> Run<O> handle(LiveRun r, Class<O> type) {
        Class<? extends RunResult> actual = r.spec() instanceof Spec.TeamSpec ? dev.cadre.run.TeamRunOutput.class
                : dev.cadre.run.RunOutput.class;
        if (!type.isAssignableFrom(actual)) {
            throw new IllegalArgumentException("A run of " + r.spec().name() + " is a " + actual.getSimpleName()
                    + ", not a " + type.getSimpleName());
        }
        return (Run<O>) r.active.handle();
    }
}
