package dev.cadre.internal;

import dev.cadre.db.Db;
import dev.cadre.db.ProcessInstance;
import dev.cadre.db.SessionRecord;
import dev.cadre.db.SessionType;
import dev.cadre.run.RunJournal;
import dev.cadre.run.RunRefusedException;
import dev.cadre.run.RunRequest;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.run.StepTask;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The engine's entries for durable executors: a run stored without executing it, a stored run executed again from
 * its journal, one parallel step performed for a run another process started. Every run still goes through
 * {@link Steps} and ends through {@link Finisher}.
 */
final class Resumption {

    private final EngineContext cx;
    private final RunEngine engine;

    Resumption(EngineContext cx, RunEngine engine) {
        this.cx = cx;
        this.engine = engine;
    }

    /**
     * Stores a new run {@code PENDING} — its session saved, its row inserted — for a durable executor to execute,
     * here or in another process ({@link #resume}). Nothing executes it here and nothing registers it: a cancel
     * of it is a cancel request through the db.
     *
     * @throws RunRefusedException without a db or a model
     */
    RunResult accept(Spec spec, RunRequest request) {
        Db db = cx.db().orElseThrow(() -> new RunRefusedException(RunRefusedException.Reason.NO_DB,
                "Durable runs are kept in a db: give " + spec.name() + " one with db(...)"));
        if (spec.model().isEmpty()) {
            throw new RunRefusedException(RunRefusedException.Reason.NO_MODEL,
                    (spec instanceof Spec.TeamSpec ? "Team '" : "Agent '") + spec.name()
                    + "' has no model: set one with model(...)");
        }
        if (request.outputSchema().isPresent()) {
            // A durable run is executed from what the db keeps of it, which has no place for a schema of its own.
            throw new IllegalArgumentException("A durable run cannot have an output schema of its own: give "
                    + spec.name() + " one with outputSchema(...)");
        }
        RunRequest resolved = RunEngine.resolve(request);
        RunState state = new RunState(spec, resolved.runId().orElseThrow(), resolved.sessionId().orElseThrow(),
                Optional.empty(), resolved.userId(), resolved.input(), RunStatus.PENDING, Events.now());
        Instant now = Events.now();
        RunResult pending = state.snapshot();
        db.startRun(new SessionRecord(state.sessionId, spec instanceof Spec.TeamSpec ? SessionType.TEAM
                : SessionType.AGENT, spec.id(), resolved.userId(), Optional.empty(), now, now), pending,
                ProcessInstance.id());
        return pending;
    }

    /**
     * Executes again, on the calling thread, a run that an earlier execution left unfinished (its process died):
     * it takes the run over in the db, and goes through its steps with {@code journal}, which replays those the
     * earlier execution recorded. A run that is terminal by then is not executed: its stored state is returned.
     *
     * @throws RunRefusedException without a db
     * @throws IllegalArgumentException for a run of another component
     * @throws java.util.NoSuchElementException when the db has no such run
     * @throws dev.cadre.db.DbException when the db fails while the run is taken up (claimed, its cancel requests
     *     read): nothing of it is left registered here, and it may be resumed again
     */
    RunResult resume(Spec spec, String runId, RunJournal journal,
            Optional<java.util.function.Consumer<dev.cadre.event.RunEvent>> events) {
        Db db = cx.db().orElseThrow(() -> new RunRefusedException(RunRefusedException.Reason.NO_DB,
                "Only a run kept in a db can be resumed: give " + spec.name() + " its db with db(...)"));
        RunResult stored = db.claimRun(runId, ProcessInstance.id()).orElseThrow(() ->
                new java.util.NoSuchElementException("No run " + runId + " in the db"));
        if (stored.status().isTerminal()) {
            return stored;
        }
        if (!stored.componentId().equals(spec.id())) {
            throw new IllegalArgumentException("Run " + runId + " is a run of " + stored.componentId()
                    + ", not of " + spec.id());
        }
        RunRequest request = new RunRequest(stored.input().inputContent(), Optional.of(stored.sessionId()),
                Optional.of(runId), stored.userId(), events.isPresent());
        // Followed, the run streams from its model (its text as it comes) and hands every event on; else it only
        // records them, as a background run does.
        EventSink sink = events.<EventSink>map(Resumption::guarded).orElse(EventSink.NONE);
        LiveRun r = engine.register(spec, request, events.isPresent() ? RunEngine.Mode.STREAM : RunEngine.Mode.BLOCKING,
                RunStatus.RUNNING, c -> sink, Optional.empty(), journal, Optional.of(stored.createdAt()));
        // A cancel asked for while no process executed it (queued, or its process dead) is carried out now. Read
        // once the run is registered, so that a cancel arriving meanwhile finds it; when the read fails (the db
        // went away just after the claim) the run leaves the registry again, and its executor may resume it anew.
        try {
            if (db.cancelRequests(ProcessInstance.id()).containsKey(runId)) {
                r.control.cancel(RunRegistry.cancelReason(runId));
            }
        } catch (RuntimeException e) {
            cx.registry().discard(r.active);
            r.control.detach();
            r.done.complete(null);
            throw e;
        }
        RunResult out = null;
        try {
            engine.finisher().progress(r);
            out = engine.steps().execute(r);
            return out;
        } finally {
            r.done.complete(null);
            engine.finisher().announce(r, out != null ? out : r.state.snapshot());
        }
    }

    /** A reader of a run's events cannot break the run: what it throws is logged and the run goes on. */
    private static EventSink guarded(java.util.function.Consumer<dev.cadre.event.RunEvent> events) {
        return e -> {
            try {
                events.accept(e);
            } catch (RuntimeException failure) {
                org.slf4j.LoggerFactory.getLogger(Resumption.class).warn("A reader of run {}'s events failed on {}",
                        e.runId(), e.event(), failure);
            }
        };
    }

    /**
     * Performs here a parallel step of a run that another process executes (or executed, and died): a tool call,
     * or a member run of a broadcast, described by {@code task}. The run is represented by a stand-in made from
     * its stored row — not registered as this process's run, never written — whose cancellation is the run's
     * (a cancel of the run reaching this process stops the step). Returns the step's value, of the type the run's
     * journal asked for: a tool call's {@code ToolRound.Done}, a member's {@code RunResult}.
     *
     * @throws java.util.NoSuchElementException when the db has no such run, or {@code root} no such component
     */
    Object perform(Spec root, StepTask task, RunJournal journal,
            Optional<java.util.function.Consumer<dev.cadre.event.RunEvent>> events) {
        Db db = cx.db().orElseThrow(() -> new RunRefusedException(RunRefusedException.Reason.NO_DB,
                "Steps are performed only for runs kept in a db: give " + root.name() + " its db with db(...)"));
        Spec spec = Specs.at(root, task.componentPath());
        RunResult stored = db.getRun(task.runId()).orElseThrow(() ->
                new java.util.NoSuchElementException("No run " + task.runId() + " in the db"));
        RunControl control = RunControl.root(task.runId());
        RunState state = new RunState(spec, stored.runId(), stored.sessionId(), stored.parentRunId(), stored.userId(),
                stored.input().inputContent(), RunStatus.RUNNING, stored.createdAt());
        Listeners listeners = cx.listeners().plus(spec.settings().listeners());
        EventSink sink = events.<EventSink>map(Resumption::guarded).orElse(EventSink.NONE);
        LiveRun standIn = new LiveRun(state, control, events.isPresent() ? RunEngine.Mode.STREAM : RunEngine.Mode.BLOCKING,
                sink, List.of(), listeners, journal, task.componentPath(), java.util.Optional.empty());
        if (stored.status().isTerminal()) {
            control.cancel(RunRegistry.cancelReason(task.runId())); // the step is moot: it stops at once
        }
        try (AutoCloseable registered = cx.registry().addStandIn(task.runId(), control)) {
            return switch (task) {
                case StepTask.ToolCall t -> engine.tools().call(standIn, t.key(), t.toolName(), t.arguments());
                case StepTask.MemberRun m -> {
                    if (!(spec instanceof Spec.TeamSpec team)) {
                        throw new IllegalArgumentException(spec.name() + " is not a team: it has no member "
                                + m.memberId());
                    }
                    Spec member = team.members().stream().filter(x -> x.id().equals(m.memberId())).findFirst()
                            .orElseThrow(() -> new java.util.NoSuchElementException(team.name() + " has no member "
                                    + m.memberId()));
                    yield engine.delegation().runMember(standIn, m.key(), member, m.task());
                }
            };
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e); // closing the registration does not throw
        } finally {
            control.detach();
        }
    }
}
