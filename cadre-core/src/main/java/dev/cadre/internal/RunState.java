package dev.cadre.internal;

import dev.cadre.event.RunEvent;
import dev.cadre.model.Message;
import dev.cadre.model.Model;
import dev.cadre.model.ModelResponse;
import dev.cadre.model.ModelResponseAccumulator;
import dev.cadre.model.OutputSchema;
import dev.cadre.model.Usage;
import dev.cadre.run.ModelMetrics;
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
    final Instant createdAt;
    final long startNanos = System.nanoTime();

    private RunStatus status;
    private final List<Message> messages = new ArrayList<>();
    private final List<ToolExecution> tools = new ArrayList<>();
    private final Map<String, Optional<RunResult>> members = new LinkedHashMap<>();
    private final List<RunEvent> events = new ArrayList<>();
    private ModelResponseAccumulator turn;
    private String lastTurnText = "";
    private String content = "";
    private String contentType = RunResult.TEXT;
    private final StringBuilder reasoning = new StringBuilder();
    /** This run's own output schema, asked for with its request; else its component's applies. */
    private Optional<OutputSchema> requestedSchema = Optional.empty();
    private Usage usage = Usage.NONE;
    /** Per model used ({@code provider/id}), its counts: Agno's {@code metrics.details}. */
    private final Map<String, ModelMetrics> models = new LinkedHashMap<>();
    private Map<String, String> providerData = Map.of();
    /** A team run's own streamed text, every turn of the run. */
    private final StringBuilder ownText = new StringBuilder();
    /** What its members streamed since its own last piece of text (see {@link #descendantStreamed(String)}). */
    private final StringBuilder memberText = new StringBuilder();
    private Duration timeToFirstToken;
    private Duration duration;
    private RunFailure failure;

    RunState(Spec spec, String runId, String sessionId, Optional<String> parentRunId, Optional<String> userId,
            String input, RunStatus initial, Instant createdAt) {
        this.createdAt = createdAt;
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

    synchronized void endTurn(ModelResponse response) {
        turn = null;
        if (!response.reasoningContent().isEmpty()) {
            if (!reasoning.isEmpty()) {
                reasoning.append("\n\n");
            }
            reasoning.append(response.reasoningContent());
        }
        if (!response.content().isEmpty()) {
            lastTurnText = response.content();
        }
        if (!response.providerData().isEmpty()) {
            providerData = response.providerData();
        }
    }

    /**
     * A piece of text the run's own model streamed. As in Agno, what a team run streamed so far is then
     * its own text of every turn: what its members streamed before is dropped.
     */
    synchronized void streamed(String text) {
        if (!(spec instanceof Spec.TeamSpec)) {
            return; // an agent's partial answer is its turn's text: nothing to keep twice
        }
        ownText.append(text);
        memberText.setLength(0);
    }

    /**
     * Text a member (or a member's member) streamed in this team run's stream: a piece of its answer or
     * a tool result. Agno adds it to the team run's content as it goes.
     */
    synchronized void descendantStreamed(String text) {
        memberText.append(text);
    }

    /**
     * The content of the run once cancelled. A team run that streamed keeps what it streamed (Agno's
     * rule: {@code run_response.content or reason}, its content being built as it streams); any other run
     * keeps {@code partial}, its model's text of the turn under way or else of the last turn. Either way,
     * nothing at all gives the {@code reason}.
     */
    synchronized String cancelledContent(String partial, String reason) {
        String streamed = ownText.toString() + memberText;
        String answer = spec instanceof Spec.TeamSpec && !streamed.isEmpty() ? streamed : partial;
        return answer.isEmpty() ? reason : answer;
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

    synchronized void addUsage(Model model, Usage u) {
        usage = usage.plus(u);
        models.merge(model.metricsProvider() + "/" + model.id(), ModelMetrics.of(model.id(), model.metricsProvider(), u),
                (had, now) -> had.plus(u));
    }

    synchronized void firstToken() {
        if (timeToFirstToken == null) {
            timeToFirstToken = Duration.ofNanos(System.nanoTime() - startNanos);
        }
    }

    synchronized void requestSchema(Optional<OutputSchema> schema) {
        requestedSchema = schema;
    }

    synchronized Optional<OutputSchema> requestedSchema() {
        return requestedSchema;
    }

    /** The run's answer is JSON that passed the output schema of this name. */
    synchronized void structured(String schemaName) {
        contentType = schemaName;
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
        RunMetrics metrics = RunMetrics.of(usage, Optional.ofNullable(timeToFirstToken), Optional.ofNullable(duration),
                List.copyOf(models.values()));
        Map<String, String> provided = providerData;
        if (turn != null && !turn.providerData().isEmpty()) {
            provided = turn.providerData(); // the response under way already has its id
        }
        Optional<String> model = spec.model().map(m -> m.id());
        Optional<String> provider = spec.model().map(m -> m.provider());
        return switch (spec) {
            case Spec.AgentSpec a -> new RunOutput(runId, a.id(), a.name(), sessionId, parentRunId, userId,
                    new RunInput(input), liveContent, status, Optional.ofNullable(failure), messages, tools, metrics,
                    model, provider, createdAt, events, provided, contentType, reasoning.toString());
            case Spec.TeamSpec t -> new TeamRunOutput(runId, t.id(), t.name(), sessionId, parentRunId, userId,
                    new RunInput(input), liveContent, status, Optional.ofNullable(failure), messages, tools, metrics,
                    model, provider, createdAt, events,
                    members.values().stream().flatMap(Optional::stream).toList(), provided, contentType,
                    reasoning.toString());
        };
    }
}
