package dev.cadre.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cadre.event.ContentEvent;
import dev.cadre.event.RunEvent;
import dev.cadre.model.Message;
import dev.cadre.model.Model;
import dev.cadre.model.ModelDelta;
import dev.cadre.model.ModelException;
import dev.cadre.model.ModelRequest;
import dev.cadre.model.ModelResponse;
import dev.cadre.model.ModelResponseAccumulator;
import dev.cadre.model.ToolCall;
import dev.cadre.model.ToolDefinition;
import dev.cadre.run.CancelResult;
import dev.cadre.run.CancellationManager;
import dev.cadre.run.RunContext;
import dev.cadre.run.RunExecutor;
import dev.cadre.run.RunFailure;
import dev.cadre.run.RunRefusedException;
import dev.cadre.run.RunRequest;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.run.RunStream;
import dev.cadre.run.ToolCallMetrics;
import dev.cadre.run.ToolExecution;
import dev.cadre.db.ProcessInstance;
import dev.cadre.db.SessionRecord;
import dev.cadre.db.SessionType;
import dev.cadre.db.Db;
import dev.cadre.db.DbException;
import dev.cadre.tool.Tool;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes runs of agents and teams.
 *
 * <p>Threads: every run executes on its own virtual thread (the run's thread). Each model call and
 * each tool call gets a virtual thread of its own, and the run's thread waits for them <em>or</em> for
 * the run's cancellation, whichever comes first — so a cancel never waits for the next chunk or for a
 * tool to notice. The run's thread itself is never interrupted: it is the one that writes to the
 * store, and an interrupt would break database connections.
 */
public final class RunEngine {

    private static final Logger LOG = LoggerFactory.getLogger(RunEngine.class);
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    static final String DELEGATE_ONE = ToolDefinitions.DELEGATE_ONE;
    static final String DELEGATE_ALL = ToolDefinitions.DELEGATE_ALL;

    /** Whether the model is called streaming (for {@code stream()}) or not. */
    public enum Mode { BLOCKING, STREAM }

    /**
     * What the engine runs with: where runs are stored, registered and executed.
     *
     * @param finalWrites the final writes of {@code store} (present exactly when the store is)
     */
    public record Runtime(Optional<Db> db, RunRegistry registry, RunExecutor executor,
            CancellationManager cancellations, Duration memberDrainTimeout, int streamBuffer,
            Optional<FinalWrites> finalWrites) {
    }

    private final Runtime rt;

    public RunEngine(Runtime runtime) {
        this.rt = runtime;
    }

    // ---- entry points ----------------------------------------------------------------------------

    /** Runs to the end on a new virtual thread and waits for it. Interrupting the caller cancels the run. */
    public RunResult run(Spec spec, RunRequest request) {
        Run r = start(spec, request, Mode.BLOCKING, RunStatus.RUNNING, (c, sid) -> EventSink.NONE, Optional.empty());
        CompletableFuture<RunResult> done = launch(r, null);
        RunResult result;
        try {
            result = done.get();
        } catch (InterruptedException e) {
            r.control.cancel(RunRegistry.cancelReason(r.state.runId));
            result = done.join();
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw unwrap(e.getCause());
        }
        return result;
    }

    /** Starts a run; cancelling the returned future cancels the run (which still ends CANCELLED in the store). */
    public CompletableFuture<RunResult> runAsync(Spec spec, RunRequest request) {
        Run r = start(spec, request, Mode.BLOCKING, RunStatus.RUNNING, (c, sid) -> EventSink.NONE, Optional.empty());
        return launch(r, null);
    }

    /** A run's future: cancelling it cancels the run. */
    private static final class RunFuture extends CompletableFuture<RunResult> {
        private final RunControl control;

        RunFuture(RunControl control) {
            this.control = control;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            // Cancel the future first: once the run is cancelled it ends quickly and would complete it.
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            if (cancelled) {
                control.cancel(RunRegistry.cancelReason(control.runId()));
            }
            return cancelled;
        }
    }

    public RunStream stream(Spec spec, RunRequest request) {
        Run r = start(spec, request, Mode.STREAM, RunStatus.RUNNING,
                (control, sessionId) -> new QueueRunStream(control.runId(), sessionId, request.streamEvents(), control,
                        rt.streamBuffer()), Optional.empty());
        QueueRunStream stream = (QueueRunStream) r.sink;
        launch(r, stream);
        return stream;
    }

    /**
     * Writes the run as {@code PENDING} and hands it to the executor; returns the pending state at
     * once. A cancel before the executor starts it ends it {@code CANCELLED} right away.
     */
    public RunResult runInBackground(Spec spec, RunRequest request) {
        if (rt.db().isEmpty()) {
            throw new RunRefusedException(RunRefusedException.Reason.NO_DB,
                    "Background runs need a db to keep their state: give " + spec.name()
                    + " one with db(...) (for example SqliteDb.file(\"cadre.db\"), or InMemoryDb for tests)");
        }
        Run r = start(spec, request, Mode.BLOCKING, RunStatus.PENDING, (c, sid) -> EventSink.NONE, Optional.empty());
        RunResult pending = r.state.snapshot();
        var beforeStart = r.control.onAbort(() -> {
            if (r.state.moveStatus(RunStatus.PENDING, RunStatus.CANCELLED)) {
                endUnstartedOnEngineThread(r, RunStatus.CANCELLED, Optional.empty());
            }
        });
        try {
            rt.executor().submit(() -> {
                beforeStart.close();
                if (!r.state.moveStatus(RunStatus.PENDING, RunStatus.RUNNING)) {
                    return; // cancelled while it waited: the cancel ends it, and says when it is done
                }
                try {
                    progress(r);
                    execute(r);
                } finally {
                    r.done.complete(null);
                }
            });
        } catch (RejectedExecutionException e) {
            // Decide first: if a cancel won the decision, its abort action ends the run instead.
            if (r.control.decide(RunStatus.ERROR)) {
                beforeStart.close();
                if (r.state.moveStatus(RunStatus.PENDING, RunStatus.ERROR)) {
                    endUnstarted(r, RunStatus.ERROR, Optional.of(new RunFailure("rejected", e.getMessage())));
                }
            }
            throw e;
        }
        return pending;
    }

    /** The run as stored (or, without a store, as it is while it runs here). */
    public Optional<RunResult> getRunOutput(Spec spec, String runId, String sessionId) {
        // A final state waiting for the store is tried once more first: the answer is what the store holds.
        rt.finalWrites().ifPresent(w -> w.retryNow(runId));
        Optional<RunResult> found = rt.db().isPresent()
                ? rt.db().get().getRun(runId)
                : rt.registry().get(runId).map(a -> a.snapshot().get());
        return found.filter(r -> r.sessionId().equals(sessionId) && r.componentId().equals(spec.id()));
    }

    /** Cancels a run by id: here if it runs in this process, through the store and cancellation manager otherwise. */
    public CancelResult cancel(String runId) {
        Optional<CancelResult> local = rt.registry().cancelLocal(runId).or(() -> RunRegistry.cancelInProcess(runId));
        return local.orElseGet(() -> cancelThroughStore(runId));
    }

    /**
     * Cancels a run that does not run in this process: as the store knows it, or, when it does not
     * know it either, by remembering the cancel in case it starts here soon.
     */
    public CancelResult cancelThroughStore(String runId) {
        if (rt.db().isPresent()) {
            Db store = rt.db().get();
            Optional<RunResult> stored = store.getRun(runId);
            if (stored.isPresent()) {
                RunResult run = stored.get();
                if (run.status().isTerminal()) {
                    return CancelResult.alreadyFinished(runId, run.status(), run.error().map(RunFailure::message));
                }
                // Another process runs it. Tell it (a cross-process CancellationManager delivers at once),
                // and make the cancel durable: the store says CANCELLED from now on, and the owner, whose
                // writes are all compare-and-set, stops at its next step and reports the stored status.
                rt.cancellations().publish(runId);
                if (store.finishRun(run.withStatus(RunStatus.CANCELLED, Optional.empty()))) {
                    return new CancelResult(runId, CancelResult.Outcome.REQUESTED, Optional.of(RunStatus.CANCELLED),
                            "Run " + runId + " runs in another process. It is now CANCELLED in the store; that "
                                    + "process stops it at its next step.");
                }
                RunResult now = store.getRun(runId).orElse(run);
                return CancelResult.alreadyFinished(runId, now.status(), now.error().map(RunFailure::message));
            }
        }
        return rt.registry().rememberCancel(runId).orElseGet(() -> CancelResult.notFound(runId));
    }

    // ---- starting --------------------------------------------------------------------------------

    @FunctionalInterface
    private interface SinkFactory {
        EventSink create(RunControl control, String sessionId);
    }

    private final class Run {
        final RunState state;
        final RunControl control;
        final Mode mode;
        final EventSink sink;
        final Events events;
        final boolean member;
        /** The team runs above this member run, nearest first: their final states are written after this one's. */
        final List<String> ancestors;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        /** Completes when the run has ended, or its final state waits for the store. */
        final CompletableFuture<Void> settled = new CompletableFuture<>();
        RunRegistry.ActiveRun active;
        volatile DbException persistFailure;
        /** The run's end as stored (null until then). */
        volatile RunResult outcome;
        volatile FinalWrites.Write finalWrite;

        Run(RunState state, RunControl control, Mode mode, EventSink sink, List<String> ancestors) {
            this.state = state;
            this.control = control;
            this.mode = mode;
            this.sink = sink;
            this.events = new Events(state);
            this.member = !ancestors.isEmpty();
            this.ancestors = ancestors;
        }

        boolean finalStatePending() {
            FinalWrites.Write w = finalWrite;
            return w != null && !w.stored().isDone();
        }

        void emit(RunEvent e) {
            if (!(e instanceof ContentEvent)) {
                state.addEvent(e);
            }
            sink.emit(e);
        }

        Spec spec() {
            return state.spec;
        }
    }

    private Run start(Spec spec, RunRequest request, Mode mode, RunStatus initial,
            SinkFactory sinkFor, Optional<Run> parent) {
        if (spec.model().isEmpty()) {
            throw new RunRefusedException(RunRefusedException.Reason.NO_MODEL,
                    (spec instanceof Spec.TeamSpec ? "Team '" : "Agent '") + spec.name()
                    + "' has no model: set one with model(...)");
        }
        String runId = request.runId().orElseGet(() -> UUID.randomUUID().toString());
        String sessionId = request.sessionId().orElseGet(() -> UUID.randomUUID().toString());
        RunControl control = parent.map(p -> p.control.child(runId)).orElseGet(() -> RunControl.root(runId));
        RunState state = new RunState(spec, runId, sessionId, parent.map(p -> p.state.runId), request.userId(),
                request.input(), initial);
        List<String> ancestors = parent.map(p -> {
            List<String> chain = new ArrayList<>(List.of(p.state.runId));
            chain.addAll(p.ancestors);
            return List.copyOf(chain);
        }).orElse(List.of());
        Run r = new Run(state, control, mode, sinkFor.create(control, sessionId), ancestors);
        CompletableFuture<RunResult> finished = new CompletableFuture<>();
        try {
            r.active = rt.registry().register(new RunRegistry.ActiveRun(runId, spec.id(), sessionId, control,
                    state::snapshot, finished, r.settled, r::finalStatePending), parent.isPresent());
        } catch (RuntimeException e) {
            control.detach();
            throw e;
        }
        r.done.whenComplete((v, t) -> {
            RunResult end = r.outcome;
            finished.complete(end != null ? end : state.snapshot());
            r.settled.complete(null);
        });
        if (rt.db().isPresent()) {
            try {
                Db store = rt.db().get();
                if (parent.isEmpty()) {
                    Instant now = Events.now();
                    store.saveSession(new SessionRecord(sessionId,
                            spec instanceof Spec.TeamSpec ? SessionType.TEAM : SessionType.AGENT, spec.id(),
                            request.userId(), Optional.empty(), now, now));
                }
                store.insertRun(state.snapshot(), ProcessInstance.id());
            } catch (RuntimeException e) {
                rt.registry().discard(r.active);
                control.detach();
                r.done.complete(null);
                throw e;
            }
        }
        return r;
    }

    private CompletableFuture<RunResult> launch(Run r, QueueRunStream stream) {
        CompletableFuture<RunResult> result = new RunFuture(r.control);
        EngineThreads.start("cadre-run-" + r.state.runId, () -> {
            RunResult out = null;
            Throwable failure = null;
            try {
                out = execute(r);
                failure = r.persistFailure;
            } catch (Throwable t) {
                failure = t;
            } finally {
                r.done.complete(null);
            }
            if (stream != null) {
                stream.finish(out, failure);
            }
            if (failure != null) {
                result.completeExceptionally(failure);
            } else {
                result.complete(out);
            }
        });
        return result;
    }

    /**
     * Ends a cancelled pending run on an engine thread and waits for it (a few seconds at most): the
     * caller gets a truthful answer, and the store is never written from the canceller's thread, which
     * may be interrupted or a listener's callback thread.
     */
    private void endUnstartedOnEngineThread(Run r, RunStatus status, Optional<RunFailure> failure) {
        CompletableFuture<Void> written = new CompletableFuture<>();
        EngineThreads.start("cadre-end-" + r.state.runId, () -> {
            try {
                endUnstarted(r, status, failure);
            } finally {
                written.complete(null);
            }
        });
        try {
            // Ended, or its final state waits for an unreachable store: either way the cancel can answer.
            CompletableFuture.anyOf(written, r.settled).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException | ExecutionException e) {
            LOG.warn("Run {}: its cancelled state is still being written", r.state.runId);
        }
    }

    /** Ends a background run that never started (cancelled or rejected while pending). */
    private void endUnstarted(Run r, RunStatus status, Optional<RunFailure> failure) {
        RunResult stored = null;
        try {
            String content = status == RunStatus.CANCELLED ? RunRegistry.cancelReason(r.state.runId)
                    : failure.map(RunFailure::message).orElse("");
            r.state.end(status, content, failure);
            r.state.addEvent(status == RunStatus.CANCELLED ? r.events.cancelled(content, content)
                    : r.events.error(content, failure.map(RunFailure::type).orElse("error")));
            stored = persistFinal(r, r.state.snapshot());
            r.outcome = stored;
        } finally {
            rt.registry().unregister(r.active, stored != null ? stored.status() : r.state.status());
            r.control.detach();
            r.done.complete(null);
        }
    }

    // ---- executing -------------------------------------------------------------------------------

    /** Thrown inside the engine when the run was cancelled; caught by {@link #execute}. */
    private static final class Cancelled extends Exception {
        Cancelled() {
            super(null, null, false, false);
        }
    }

    /** Runs a started run to its end on the calling thread. Never throws for run failures. */
    private RunResult execute(Run r) {
        RunResult result = null;
        try {
            result = executeSteps(r);
            return result;
        } catch (Error e) {
            // A broken model or tool (a missing class, an assertion): still end the run and record it.
            LOG.error("Run {} of {} failed with an error", r.state.runId, r.spec().name(), e);
            result = r.control.isCancelled() ? cancelled(r) : fail(r, "internal_error", describe(e));
            return result;
        } finally {
            rt.registry().unregister(r.active, result != null ? result.status() : r.state.status());
            r.control.detach();
        }
    }

    private RunResult executeSteps(Run r) {
        RunState s = r.state;
        try {
            r.emit(r.events.started());
            checkCancelled(r);
            List<Message> conversation = new ArrayList<>();
            String prompt = switch (r.spec()) {
                case Spec.AgentSpec a -> Prompts.agent(a);
                case Spec.TeamSpec t -> Prompts.leader(t);
            };
            if (!prompt.isEmpty()) {
                Message system = Message.system(prompt);
                conversation.add(system);
                s.addMessage(system);
            }
            conversation.addAll(r.member || rt.db().isEmpty() ? List.of()
                    : History.of(rt.db().get(), r.spec(), s.sessionId, s.runId));
            Message user = Message.user(s.input);
            conversation.add(user);
            s.addMessage(user);
            List<ToolDefinition> tools = ToolDefinitions.of(r.spec());
            int toolRounds = 0;
            while (true) {
                checkCancelled(r);
                ModelResponse response = callModel(r, conversation, tools);
                Message assistant = Message.assistant(response.content(), response.toolCalls());
                conversation.add(assistant);
                s.addMessage(assistant);
                if (response.toolCalls().isEmpty()) {
                    return complete(r, response.content());
                }
                if (++toolRounds > r.spec().settings().maxToolRounds()) {
                    return fail(r, "tool_call_limit", "The model was still calling tools after "
                            + r.spec().settings().maxToolRounds() + " rounds; raise maxToolRounds(...) on "
                            + r.spec().name() + " if it needs more, or check what its tools return");
                }
                checkCancelled(r);
                List<ToolOutcome> outcomes = runTools(r, response.toolCalls());
                Optional<String> routed = Optional.empty();
                for (int i = 0; i < outcomes.size(); i++) {
                    ToolOutcome o = outcomes.get(i);
                    Message result = Message.toolResult(response.toolCalls().get(i), o.text());
                    conversation.add(result);
                    s.addMessage(result);
                    if (o.stop() && routed.isEmpty()) {
                        routed = o.answer();
                    }
                }
                if (routed.isPresent()) {
                    return complete(r, routed.get());
                }
                progress(r);
            }
        } catch (Cancelled c) {
            return cancelled(r);
        } catch (ModelException e) {
            return r.control.isCancelled() ? cancelled(r) : fail(r, e.errorType(), e.getMessage());
        } catch (RuntimeException e) {
            if (r.control.isCancelled()) {
                return cancelled(r);
            }
            if (e instanceof DbException se) {
                // The store's message names hosts and files: it goes to the log, the run keeps a reference to it.
                String ref = ErrorIds.next();
                LOG.error("Run {} of {} failed: its store failed [error {}]", s.runId, r.spec().name(), ref, e);
                return fail(r, "store_error", "The run's database failed (" + se.kind().name().toLowerCase(
                        java.util.Locale.ROOT) + "); the server's log has the details under error " + ref + ".");
            }
            LOG.error("Run {} of {} failed unexpectedly", s.runId, r.spec().name(), e);
            return fail(r, "internal_error", describe(e));
        }
    }

    private void checkCancelled(Run r) throws Cancelled {
        if (r.control.isCancelled()) {
            throw new Cancelled();
        }
    }

    private ModelResponse callModel(Run r, List<Message> conversation, List<ToolDefinition> tools) throws Cancelled {
        Model model = r.spec().model().orElseThrow();
        ModelRequest request = new ModelRequest(conversation, tools);
        ModelResponseAccumulator acc = new ModelResponseAccumulator();
        r.state.startTurn(acc);
        r.emit(r.events.modelRequestStarted());
        long started = System.nanoTime();
        // A request is timed to its first text, else to its first chunk of any kind (a tool call): Agno leaves the
        // figure out for a tool-only request in some streams and not in others; always having it breaks no client.
        long[] firstText = {0};
        long[] firstChunk = {0};
        CompletableFuture<ModelResponse> call = new CompletableFuture<>();
        Thread[] caller = new Thread[1];
        Runnable body = () -> {
            try {
                if (r.mode == Mode.STREAM) {
                    model.stream(request, r.control, delta -> {
                        if (r.control.isAborted() || !acc.add(delta)) {
                            return; // the run was cancelled: drop what still arrives
                        }
                        r.state.firstToken();
                        if (firstChunk[0] == 0) {
                            firstChunk[0] = System.nanoTime();
                        }
                        if (delta instanceof ModelDelta.Text t && !t.text().isEmpty()) {
                            if (firstText[0] == 0) {
                                firstText[0] = System.nanoTime();
                            }
                            r.state.streamed(t.text());
                            r.emit(r.events.content(t.text()));
                        }
                    });
                    call.complete(acc.response());
                } else {
                    ModelResponse whole = model.invoke(request, r.control);
                    r.state.firstToken();
                    firstText[0] = System.nanoTime();
                    call.complete(whole);
                }
            } catch (Throwable t) {
                call.completeExceptionally(t);
            }
        };
        var interrupt = r.control.onAbort(() -> {
            Thread t;
            synchronized (caller) {
                t = caller[0];
            }
            if (t != null) {
                t.interrupt();
            }
        });
        try {
            synchronized (caller) {
                caller[0] = EngineThreads.start("cadre-model-" + r.state.runId, body);
            }
            ModelResponse response = await(r, call);
            r.state.endTurn(response);
            r.state.addUsage(model, response.usage());
            long first = firstText[0] != 0 ? firstText[0] : firstChunk[0];
            Optional<Duration> ttft = first == 0 ? Optional.empty() : Optional.of(Duration.ofNanos(first - started));
            r.emit(r.events.modelRequestCompleted(response.usage(), ttft));
            return response;
        } finally {
            interrupt.close();
        }
    }

    /** Waits for {@code work} or the run's cancellation, whichever comes first. */
    private <T> T await(Run r, CompletableFuture<T> work) throws Cancelled {
        try {
            CompletableFuture.anyOf(work, r.control.whenCancelled()).get();
        } catch (InterruptedException e) {
            r.control.cancel(RunRegistry.cancelReason(r.state.runId));
            Thread.interrupted();
        } catch (ExecutionException e) {
            // the work failed: reported below
        }
        if (r.control.isCancelled()) {
            throw new Cancelled();
        }
        try {
            return work.join();
        } catch (CompletionException e) {
            throw unwrap(e.getCause());
        }
    }

    private static RuntimeException unwrap(Throwable t) {
        return switch (t) {
            case RuntimeException re -> re;
            case Error err -> throw err;
            default -> new IllegalStateException(describe(t), t);
        };
    }

    // ---- tools and delegation --------------------------------------------------------------------

    /**
     * A tool's result for the model.
     *
     * @param answer for a routed delegation, the member's answer that becomes the team's answer
     */
    private record ToolOutcome(String text, boolean error, Optional<String> childRunId, boolean stop,
            Optional<String> answer) {
        static ToolOutcome ok(String text) {
            return new ToolOutcome(text, false, Optional.empty(), false, Optional.empty());
        }

        static ToolOutcome failed(String text) {
            return new ToolOutcome(text, true, Optional.empty(), false, Optional.empty());
        }
    }

    private List<ToolOutcome> runTools(Run r, List<ToolCall> calls) throws Cancelled {
        List<CompletableFuture<ToolOutcome>> futures = new ArrayList<>();
        List<Integer> indexes = new ArrayList<>();
        List<ToolExecution> started = new ArrayList<>();
        ToolCallMetrics[] timings = new ToolCallMetrics[calls.size()]; // each set before its future completes
        for (ToolCall call : calls) {
            Optional<JsonNode> args = parseArguments(call.arguments());
            ToolExecution te = ToolExecution.started(call.id(), call.name(), args.orElseGet(JSON::objectNode),
                    Events.now());
            indexes.add(r.state.addTool(te));
            started.add(te);
            r.emit(r.events.toolStarted(te));
            CompletableFuture<ToolOutcome> f = new CompletableFuture<>();
            futures.add(f);
            int slot = futures.size() - 1;
            EngineThreads.start("cadre-tool-" + call.name(), () -> {
                long startNanos = System.nanoTime();
                Instant start = Instant.now();
                ToolOutcome o;
                try {
                    o = args.isEmpty() ? ToolOutcome.failed("Invalid arguments for " + call.name()
                            + ": not a JSON object: " + call.arguments()) : invokeTool(r, call, args.get());
                } catch (Throwable t) {
                    o = ToolOutcome.failed("Tool " + call.name() + " failed: " + describe(t));
                }
                timings[slot] = ToolCallMetrics.since(start, startNanos);
                f.complete(o);
            });
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new));
        try {
            await(r, all);
        } catch (Cancelled c) {
            // Members stop through their own controls and tools were interrupted; give them a moment
            // to end, so their cancelled runs are recorded with the team run.
            try {
                all.get(rt.memberDrainTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                LOG.warn("Run {}: tools still running {} after the cancel; not waiting for them", r.state.runId,
                        rt.memberDrainTimeout());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                // tool failures are outcomes, not errors
            }
            for (int i = 0; i < futures.size(); i++) {
                ToolOutcome o = futures.get(i).getNow(null);
                if (o != null) {
                    r.state.setTool(indexes.get(i), started.get(i).completed(o.text(), o.error(), o.childRunId(), o.stop(),
                            timings[i]));
                }
            }
            throw c;
        }
        List<ToolOutcome> outcomes = new ArrayList<>();
        for (int i = 0; i < futures.size(); i++) {
            ToolOutcome o = futures.get(i).join();
            ToolExecution done = started.get(i).completed(o.text(), o.error(), o.childRunId(), o.stop(), timings[i]);
            r.state.setTool(indexes.get(i), done);
            r.emit(r.events.toolCompleted(done));
            outcomes.add(o);
        }
        return outcomes;
    }

    private static Optional<JsonNode> parseArguments(String raw) {
        try {
            JsonNode node = raw.isBlank() ? JSON.objectNode()
                    : dev.cadre.json.CadreJson.mapper().readTree(raw);
            return node != null && node.isObject() ? Optional.of(node) : Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    private ToolOutcome invokeTool(Run r, ToolCall call, JsonNode args) {
        if (r.spec() instanceof Spec.TeamSpec team) {
            if (call.name().equals(DELEGATE_ONE) && team.mode() != dev.cadre.TeamMode.BROADCAST) {
                return delegateToMember(r, team, args);
            }
            if (call.name().equals(DELEGATE_ALL) && team.mode() == dev.cadre.TeamMode.BROADCAST) {
                return delegateToAll(r, team, args);
            }
        }
        Optional<Tool> tool = r.spec().tools().stream().filter(t -> t.name().equals(call.name())).findFirst();
        if (tool.isEmpty()) {
            return ToolOutcome.failed("Unknown tool '" + call.name() + "'. Available tools: "
                    + String.join(", ", ToolDefinitions.of(r.spec()).stream().map(ToolDefinition::name).toList()) + ".");
        }
        RunContext ctx = new RunContext(r.state.runId, r.state.sessionId, r.state.userId, r.state.parentRunId,
                r.spec().id(), r.control);
        Thread self = Thread.currentThread();
        var interrupt = r.control.onAbort(self::interrupt);
        try {
            return ToolOutcome.ok(tool.get().call(args, ctx));
        } catch (InterruptedException e) {
            return ToolOutcome.failed("Tool " + call.name() + " was interrupted: the run was cancelled");
        } catch (Exception e) {
            return ToolOutcome.failed("Tool " + call.name() + " failed: " + describe(e));
        } finally {
            interrupt.close();
            Thread.interrupted();
        }
    }

    private ToolOutcome delegateToMember(Run r, Spec.TeamSpec team, JsonNode args) {
        String memberId = args.path("member_id").asText("");
        String task = args.path("task").asText("");
        Optional<Spec> member = team.members().stream().filter(m -> m.id().equals(memberId)).findFirst();
        if (member.isEmpty()) {
            return ToolOutcome.failed("Member with ID " + memberId + " not found in the team. Valid member ids: "
                    + String.join(", ", team.members().stream().map(Spec::id).toList())
                    + ". Call " + DELEGATE_ONE + " again with one of them.");
        }
        if (task.isBlank()) {
            return ToolOutcome.failed("The task is empty: give " + memberId + " a task to do.");
        }
        RunResult result;
        try {
            result = runMember(r, member.get(), task);
        } catch (RuntimeException e) {
            return ToolOutcome.failed("Could not start member " + memberId + ": " + describe(e));
        }
        boolean route = team.mode() == dev.cadre.TeamMode.ROUTE && result.status() == RunStatus.COMPLETED;
        return switch (result.status()) {
            case COMPLETED -> new ToolOutcome(result.content(), false, Optional.of(result.runId()), route,
                    route ? Optional.of(result.content()) : Optional.empty());
            case ERROR -> new ToolOutcome("Member " + memberId + " failed: "
                    + result.error().map(RunFailure::message).orElse(result.content()), true,
                    Optional.of(result.runId()), false, Optional.empty());
            default -> new ToolOutcome("Member " + memberId + "'s run was cancelled. Partial answer: "
                    + result.content(), true, Optional.of(result.runId()), false, Optional.empty());
        };
    }

    private ToolOutcome delegateToAll(Run r, Spec.TeamSpec team, JsonNode args) {
        String task = args.path("task").asText("");
        if (task.isBlank()) {
            return ToolOutcome.failed("The task is empty: give the members a task to do.");
        }
        List<CompletableFuture<RunResult>> runs = new ArrayList<>();
        for (Spec member : team.members()) {
            CompletableFuture<RunResult> f = new CompletableFuture<>();
            runs.add(f);
            EngineThreads.start("cadre-member-" + member.id(), () -> {
                try {
                    f.complete(runMember(r, member, task));
                } catch (Throwable t) {
                    f.completeExceptionally(t);
                }
            });
        }
        StringBuilder text = new StringBuilder();
        int failures = 0;
        for (int i = 0; i < runs.size(); i++) {
            Spec member = team.members().get(i);
            String label = (member instanceof Spec.TeamSpec ? "Team " : "Agent ") + member.name() + ": ";
            if (!text.isEmpty()) {
                text.append("\n\n");
            }
            try {
                RunResult res = runs.get(i).join();
                switch (res.status()) {
                    case COMPLETED -> text.append(label).append(res.content());
                    case ERROR -> {
                        failures++;
                        text.append(label).append("(failed: ")
                                .append(res.error().map(RunFailure::message).orElse(res.content())).append(')');
                    }
                    default -> {
                        failures++;
                        text.append(label).append("(cancelled) ").append(res.content());
                    }
                }
            } catch (CompletionException e) {
                failures++;
                text.append(label).append("(could not start: ").append(describe(e.getCause())).append(')');
            }
        }
        return new ToolOutcome(text.toString(), failures == runs.size(), Optional.empty(), false, Optional.empty());
    }

    /** Runs a member on the calling thread, in the team's session, as a child of the team run. */
    private RunResult runMember(Run team, Spec member, String task) {
        String memberRunId = UUID.randomUUID().toString();
        RunRequest request = new RunRequest(task, Optional.of(team.state.sessionId), Optional.of(memberRunId),
                team.state.userId, true);
        // Streamed, a team sees its members' events go by: Agno counts their text as the team's partial answer.
        EventSink sink = team.mode == Mode.BLOCKING ? team.sink : e -> {
            team.state.descendantStreamed(Events.memberText(e));
            team.sink.emit(e);
        };
        Run m = start(member, request, team.mode, RunStatus.RUNNING, (c, sid) -> sink, Optional.of(team));
        team.state.memberStarted(memberRunId);
        try {
            return execute(m);
        } finally {
            m.done.complete(null);
            team.state.memberEnded(m.state.snapshot());
        }
    }

    // ---- ending ----------------------------------------------------------------------------------

    private RunResult complete(Run r, String content) {
        if (!r.control.decide(RunStatus.COMPLETED)) {
            return cancelled(r);
        }
        r.emit(r.events.contentCompleted());
        r.state.end(RunStatus.COMPLETED, content, Optional.empty());
        RunEvent terminal = r.events.completed(r.state.snapshot());
        return finish(r, terminal);
    }

    private RunResult fail(Run r, String type, String message) {
        if (!r.control.decide(RunStatus.ERROR)) {
            return cancelled(r);
        }
        r.state.end(RunStatus.ERROR, message, Optional.of(new RunFailure(type, message)));
        return finish(r, r.events.error(message, type));
    }

    private RunResult cancelled(Run r) {
        r.control.cancel(RunRegistry.cancelReason(r.state.runId));
        String reason = r.control.reason();
        boolean hadOpenTurn = r.state.hasOpenTurn();
        String partial = r.state.partialAnswer();
        if (hadOpenTurn && !partial.isEmpty()) {
            r.state.addMessage(Message.assistant(partial));
        }
        String content = r.state.cancelledContent(partial, reason);
        r.state.end(RunStatus.CANCELLED, content, Optional.empty());
        return finish(r, r.events.cancelled(reason, content));
    }

    /**
     * Records the terminal event, writes the final state, then tells the stream — only once the store
     * holds the end: nothing announces an end that is not stored. A final state the store cannot take
     * is retried until it does (see {@link FinalWrites}); meanwhile the run waits, still registered, so
     * that a cancel or a poll can say so.
     */
    private RunResult finish(Run r, RunEvent terminal) {
        r.state.addEvent(Events.kept(terminal));
        RunResult result = persistFinal(r, r.state.snapshot());
        r.outcome = result;
        if (r.persistFailure != null) {
            return result; // not stored: no terminal event (the stream ends with the failure)
        }
        if (result.status() != r.state.status()) {
            LOG.warn("Run {} ended as {} here, but the store had already recorded {}; reporting the stored status",
                    r.state.runId, r.state.status(), result.status());
            terminal = terminalEvent(r, result);
        }
        r.sink.emit(terminal);
        return result;
    }

    /** The terminal event that says how {@code stored} ended. */
    private static RunEvent terminalEvent(Run r, RunResult stored) {
        return switch (stored.status()) {
            case COMPLETED -> r.events.completed(stored);
            case CANCELLED -> r.events.cancelled(stored.content(), stored.content());
            default -> r.events.error(stored.error().map(RunFailure::message).orElse(stored.content()),
                    stored.error().map(RunFailure::type).orElse("error"));
        };
    }

    /**
     * Writes a run's terminal state and waits until the store holds it — retried for as long as it takes
     * (see {@link FinalWrites}). Returns what the store holds: the given state, or the terminal state
     * another writer stored first. Sets {@link Run#persistFailure} when it can never be stored.
     */
    private RunResult persistFinal(Run r, RunResult snapshot) {
        if (rt.finalWrites().isEmpty()) {
            return snapshot;
        }
        FinalWrites.Write w = rt.finalWrites().get().submit(snapshot, r.ancestors);
        r.finalWrite = w;
        w.waiting.thenRun(() -> r.settled.complete(null));
        try {
            return w.stored().join();
        } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            r.persistFailure = cause instanceof DbException se ? se
                    : new DbException("Run " + snapshot.runId() + " ended as " + snapshot.status()
                            + " but its final state could not be written: " + describe(cause), cause);
            return snapshot;
        }
    }

    /** Writes progress of a running run; a run the store already ended is cancelled here. */
    private void progress(Run r) {
        if (rt.db().isEmpty()) {
            return;
        }
        try {
            if (!rt.db().get().updateRun(r.state.snapshot(), ProcessInstance.id())) {
                r.control.cancel("Run " + r.state.runId + " was ended elsewhere");
            }
        } catch (DbException e) {
            LOG.warn("Could not record the progress of run {}: {}", r.state.runId, e.getMessage());
        }
    }

    static String describe(Throwable t) {
        String msg = t.getMessage();
        return msg == null || msg.isBlank() ? t.getClass().getSimpleName() : msg;
    }
}
