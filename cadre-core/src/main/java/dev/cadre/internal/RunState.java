package dev.cadre.internal;

import dev.cadre.event.RunEvent;
import dev.cadre.model.Message;
import dev.cadre.model.ModelResponseAccumulator;
import dev.cadre.model.Usage;
import dev.cadre.run.RunFailure;
import dev.cadre.run.RunMetrics;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunResult.RunInput;
import dev.cadre.run.RunOutput;
import dev.cadre.run.RunStatus;
import dev.cadre.run.TeamRunOutput;
import dev.cadre.run.ToolExecution;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The mutable state of one run while it executes. Written by the run's thread and its tool and
 * model threads, read by pollers through {@link #snapshot()}; every access holds the state's lock.
 */
final class RunState {

    final Spec spec;
    final String runId;
    final String sessionId;
    final Optional<String> parentRunId;
    final Optional<String> userId;
    final String input;
    final Instant createdAt = Events.now();
    final long startNanos = System.nanoTime();

    private RunStatus status;
    private final List<Message> messages = new ArrayList<>();
    private final List<ToolExecution> tools = new ArrayList<>();
    private final Map<String, Optional<RunResult>> members = new LinkedHashMap<>();
    private final List<RunEvent> events = new ArrayList<>();
    private ModelResponseAccumulator turn;
    private String lastTurnText = "";
    private String content = "";
    private Usage usage = Usage.NONE;
    private Duration timeToFirstToken;
    private Duration duration;
    private RunFailure failure;

    RunState(Spec spec, String runId, String sessionId, Optional<String> parentRunId, Optional<String> userId,
            String input, RunStatus initial) {
        this.spec = spec;
        this.runId = runId;
        this.sessionId = sessionId;
        this.parentRunId = parentRunId;
        this.userId = userId;
        this.input = input;
        this.status = initial;
    }

    synchronized RunStatus status() {
        return status;
    }

    /** Moves the status from {@code expected} to {@code next}; returns whether it was {@code expected}. */
    synchronized boolean moveStatus(RunStatus expected, RunStatus next) {
        if (status != expected) {
            return false;
        }
        status = next;
        return true;
    }

    synchronized void addMessage(Message m) {
        messages.add(m);
    }

    synchronized List<Message> messages() {
        return List.copyOf(messages);
    }

    synchronized int addTool(ToolExecution t) {
        tools.add(t);
        return tools.size() - 1;
    }

    synchronized void setTool(int index, ToolExecution t) {
        tools.set(index, t);
    }

    synchronized void memberStarted(String memberRunId) {
        members.put(memberRunId, Optional.empty());
    }

    synchronized void memberEnded(RunResult member) {
        members.put(member.runId(), Optional.of(member));
    }

    synchronized void addEvent(RunEvent e) {
        events.add(e);
    }

    synchronized void startTurn(ModelResponseAccumulator acc) {
        turn = acc;
    }

    synchronized void endTurn(String text) {
        turn = null;
        if (!text.isEmpty()) {
            lastTurnText = text;
        }
    }

    synchronized boolean hasOpenTurn() {
        return turn != null;
    }

    /** Seals the turn in progress and returns the best partial answer: the turn's text so far, else the last turn's. */
    synchronized String partialAnswer() {
        if (turn != null) {
            turn.seal();
            String t = turn.text();
            if (!t.isEmpty()) {
                return t;
            }
        }
        return lastTurnText;
    }

    synchronized void addUsage(Usage u) {
        usage = usage.plus(u);
    }

    synchronized void firstToken() {
        if (timeToFirstToken == null) {
            timeToFirstToken = Duration.ofNanos(System.nanoTime() - startNanos);
        }
    }

    synchronized void end(RunStatus terminal, String finalContent, Optional<RunFailure> why) {
        status = terminal;
        content = finalContent;
        failure = why.orElse(null);
        duration = Duration.ofNanos(System.nanoTime() - startNanos);
    }

    synchronized RunResult snapshot() {
        String liveContent = content;
        if (!status.isTerminal() && turn != null) {
            liveContent = turn.text();
        }
        RunMetrics metrics = RunMetrics.of(usage, Optional.ofNullable(timeToFirstToken), Optional.ofNullable(duration));
        Optional<String> model = spec.model().map(m -> m.id());
        Optional<String> provider = spec.model().map(m -> m.provider());
        return switch (spec) {
            case Spec.AgentSpec a -> new RunOutput(runId, a.id(), a.name(), sessionId, parentRunId, userId,
                    new RunInput(input), liveContent, status, Optional.ofNullable(failure), messages, tools, metrics,
                    model, provider, createdAt, events);
            case Spec.TeamSpec t -> new TeamRunOutput(runId, t.id(), t.name(), sessionId, parentRunId, userId,
                    new RunInput(input), liveContent, status, Optional.ofNullable(failure), messages, tools, metrics,
                    model, provider, createdAt, events,
                    members.values().stream().flatMap(Optional::stream).toList());
        };
    }
}
