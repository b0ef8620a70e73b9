package dev.cadre.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cadre.TeamMode;
import dev.cadre.json.CadreJson;
import dev.cadre.model.ToolCall;
import dev.cadre.model.ToolDefinition;
import dev.cadre.run.RunContext;
import dev.cadre.run.RunJournal;
import dev.cadre.run.StepTask;
import dev.cadre.run.ToolCallMetrics;
import dev.cadre.run.ToolExecution;
import dev.cadre.tool.Tool;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tool calls of one model turn: all at once, each a step of the run's journal on a thread of its own (a
 * delegation is a tool call too), the run's thread waiting for all of them or the run's cancel. A cancel interrupts blocking tools;
 * members stop through their own controls.
 */
final class ToolRound {

    private static final Logger LOG = LoggerFactory.getLogger(ToolRound.class);
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /**
     * A tool's result for the model.
     *
     * @param answer for a routed delegation, the member's answer that becomes the team's answer
     */
    record Outcome(String text, boolean error, Optional<String> childRunId, boolean stop, Optional<String> answer) {
        static Outcome ok(String text) {
            return new Outcome(text, false, Optional.empty(), false, Optional.empty());
        }

        static Outcome failed(String text) {
            return new Outcome(text, true, Optional.empty(), false, Optional.empty());
        }
    }

    private final EngineContext cx;
    private final Delegation delegation;

    ToolRound(EngineContext cx, Delegation delegation) {
        this.cx = cx;
        this.delegation = delegation;
    }

    /** A tool call as the run's journal keeps it: its result, and how long it took. */
    record Done(Outcome outcome, ToolCallMetrics metrics) {
    }

    /**
     * The tool calls of the run's {@code turn}-th model turn, as steps of its journal: a call the journal has
     * from an earlier execution of the run is not made again, its result is replayed.
     */
    List<Outcome> run(LiveRun r, int turn, List<ToolCall> calls) throws ModelTurn.Cancelled {
        List<Integer> indexes = new ArrayList<>();
        List<ToolExecution> started = new ArrayList<>();
        List<RunJournal.Work<Done>> works = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            ToolCall call = calls.get(i);
            Optional<JsonNode> args = parseArguments(call.arguments());
            ToolExecution te = ToolExecution.started(call.id(), call.name(), args.orElseGet(JSON::objectNode),
                    Events.now());
            indexes.add(r.state.addTool(te));
            started.add(te);
            r.emit(r.events.toolStarted(te));
            r.listeners.call(r.info, l -> l.toolCallStarted(r.info, te));
            // What a delegation's member run is called: the same on every execution of this run.
            String key = r.state.runId + "/" + turn + "/" + i;
            works.add(new RunJournal.Work<>(new StepTask.ToolCall(r.state.runId, r.path, key, call.name(),
                    call.arguments()), () -> call(r, key, call.name(), call.arguments())));
        }
        List<CompletableFuture<RunJournal.Step<Done>>> futures = r.journal.steps("tool", Done.class, works);
        CompletableFuture<Void> all = CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new));
        try {
            ModelTurn.await(r, all);
        } catch (ModelTurn.Cancelled c) {
            drain(r, all);
            for (int i = 0; i < futures.size(); i++) {
                CompletableFuture<RunJournal.Step<Done>> f = futures.get(i);
                if (f.isDone() && !f.isCompletedExceptionally()) {
                    ToolExecution done = completed(started.get(i), f.join().value());
                    r.state.setTool(indexes.get(i), done);
                    r.listeners.call(r.info, l -> l.toolCallEnded(r.info, done));
                }
            }
            throw c;
        }
        List<Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < futures.size(); i++) {
            Done d = futures.get(i).join().value();
            ToolExecution done = completed(started.get(i), d);
            r.state.setTool(indexes.get(i), done);
            r.emit(r.events.toolCompleted(done));
            r.listeners.call(r.info, l -> l.toolCallEnded(r.info, done));
            outcomes.add(d.outcome());
        }
        return outcomes;
    }

    /** One tool call of run {@code r}, timed; every failure is the tool's result, for the model to read. */
    Done call(LiveRun r, String key, String name, String arguments) {
        long startNanos = System.nanoTime();
        Instant start = Instant.now();
        Optional<JsonNode> args = parseArguments(arguments);
        Outcome o;
        try {
            o = args.isEmpty() ? Outcome.failed("Invalid arguments for " + name + ": not a JSON object: " + arguments)
                    : invoke(r, key, name, args.get());
        } catch (Throwable t) {
            o = Outcome.failed("Tool " + name + " failed: " + Finisher.describe(t));
        }
        return new Done(o, ToolCallMetrics.since(start, startNanos));
    }

    private static ToolExecution completed(ToolExecution started, Done d) {
        Outcome o = d.outcome();
        return started.completed(o.text(), o.error(), o.childRunId(), o.stop(), d.metrics());
    }

    /**
     * After a cancel: members stop through their own controls and tools were interrupted; give them a moment
     * to end, so their cancelled runs are recorded with the team run.
     */
    private void drain(LiveRun r, CompletableFuture<Void> all) {
        try {
            all.get(cx.memberDrainTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("Run {}: tools still running {} after the cancel; not waiting for them", r.state.runId,
                    cx.memberDrainTimeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            // tool failures are outcomes, not errors
        }
    }

    private static Optional<JsonNode> parseArguments(String raw) {
        try {
            JsonNode node = raw.isBlank() ? JSON.objectNode() : CadreJson.mapper().readTree(raw);
            return node != null && node.isObject() ? Optional.of(node) : Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    private Outcome invoke(LiveRun r, String key, String name, JsonNode args) {
        if (r.spec() instanceof Spec.TeamSpec team) {
            if (name.equals(ToolDefinitions.DELEGATE_ONE) && team.mode() != TeamMode.BROADCAST) {
                return delegation.toMember(r, key, team, args);
            }
            if (name.equals(ToolDefinitions.DELEGATE_ALL) && team.mode() == TeamMode.BROADCAST) {
                return delegation.toAll(r, key, team, args);
            }
        }
        Optional<Tool> tool = r.spec().tools().stream().filter(t -> t.name().equals(name)).findFirst();
        if (tool.isEmpty()) {
            return Outcome.failed("Unknown tool '" + name + "'. Available tools: "
                    + String.join(", ", ToolDefinitions.of(r.spec()).stream().map(ToolDefinition::name).toList()) + ".");
        }
        RunContext ctx = new RunContext(r.state.runId, r.state.sessionId, r.state.userId, r.state.parentRunId,
                r.spec().id(), r.control);
        Thread self = Thread.currentThread();
        var interrupt = r.control.onAbort(self::interrupt);
        try {
            return Outcome.ok(tool.get().call(args, ctx));
        } catch (InterruptedException e) {
            return Outcome.failed("Tool " + name + " was interrupted: the run was cancelled");
        } catch (Exception e) {
            return Outcome.failed("Tool " + name + " failed: " + Finisher.describe(e));
        } finally {
            interrupt.close();
            Thread.interrupted();
        }
    }
}
