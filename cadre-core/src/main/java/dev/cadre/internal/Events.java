package dev.cadre.internal;

import dev.cadre.event.ModelRequestCompleted;
import dev.cadre.event.ModelRequestStarted;
import dev.cadre.event.ContentEvent;
import dev.cadre.event.RunCancelled;
import dev.cadre.event.RunCompleted;
import dev.cadre.event.RunContent;
import dev.cadre.event.RunContentCompleted;
import dev.cadre.event.RunError;
import dev.cadre.event.RunEvent;
import dev.cadre.event.RunStarted;
import dev.cadre.event.TeamModelRequestCompleted;
import dev.cadre.event.TeamModelRequestStarted;
import dev.cadre.event.TeamRunCancelled;
import dev.cadre.event.TeamRunCompleted;
import dev.cadre.event.TeamRunContent;
import dev.cadre.event.TeamRunContentCompleted;
import dev.cadre.event.TeamRunError;
import dev.cadre.event.TeamRunStarted;
import dev.cadre.event.TeamToolCallCompleted;
import dev.cadre.event.TeamToolCallStarted;
import dev.cadre.event.TerminalEvent;
import dev.cadre.event.ToolCallCompleted;
import dev.cadre.event.ToolCallStarted;
import dev.cadre.model.Usage;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.run.TeamRunOutput;
import dev.cadre.run.ToolExecution;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Makes the agent or team variant of each event for one run. */
final class Events {

    private final RunState s;
    private final boolean team;
    private final String model;
    private final String provider;

    Events(RunState state) {
        this.s = state;
        this.team = state.spec instanceof Spec.TeamSpec;
        this.model = state.spec.model().map(m -> m.id()).orElse("");
        this.provider = state.spec.model().map(m -> m.provider()).orElse("");
    }

    /** Now, in whole seconds: times are epoch seconds on the wire (as in Agno), so values round-trip exactly. */
    static Instant now() {
        return Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    }

    RunEvent started() {
        return team ? new TeamRunStarted(now(), s.runId, s.sessionId, s.parentRunId, s.spec.id(), s.spec.name(), model, provider)
                : new RunStarted(now(), s.runId, s.sessionId, s.parentRunId, s.spec.id(), s.spec.name(), model, provider);
    }

    /** A piece of the answer; Cadre's models give no reasoning text, so its reasoning is empty. */
    RunEvent content(String text) {
        return team ? new TeamRunContent(now(), s.runId, s.sessionId, s.parentRunId, s.spec.id(), s.spec.name(), text, "")
                : new RunContent(now(), s.runId, s.sessionId, s.parentRunId, s.spec.id(), s.spec.name(), text, "");
    }

    /** A piece of the model's visible reasoning: a content event with empty content, as Agno streams it. */
    RunEvent reasoning(String text) {
        return team ? new TeamRunContent(now(), s.runId, s.sessionId, s.parentRunId, s.spec.id(), s.spec.name(), "", text)
                : new RunContent(now(), s.runId, s.sessionId, s.parentRunId, s.spec.id(), s.spec.name(), "", text);
    }

    RunEvent contentCompleted() {
        return team ? new TeamRunContentCompleted(now(), s.runId, s.sessionId, s.parentRunId, s.spec.id(), s.spec.name())
                : new RunContentCompleted(now(), s.runId, s.sessionId, s.parentRunId, s.spec.id(), s.spec.name());
    }

    RunEvent toolStarted(ToolExecution tool) {
        return team ? new TeamToolCallStarted(now(), s.runId, s.sessionId, s.parentRunId, s.spec.id(), s.spec.name(), tool)
                : new ToolCallStarted(now(), s.runId, s.sessionId, s.parentRunId, s.spec.id(), s.spec.name(), tool);
    }

    RunEvent toolCompleted(ToolExecution tool) {
        String result = tool.result().orElse("");
        return team ? new TeamToolCallCompleted(now(), s.runId, s.sessionId, s.parentRunId, s.spec.id(), s.spec.name(), tool, result)
                : new ToolCallCompleted(now(), s.runId, s.sessionId, s.parentRunId, s.spec.id(), s.spec.name(), tool, result);
    }

    RunEvent modelRequestStarted() {
        return team ? new TeamModelRequestStarted(now(), s.runId, s.sessionId, s.parentRunId, s.spec.id(), s.spec.name(), model, provider)
                : new ModelRequestStarted(now(), s.runId, s.sessionId, s.parentRunId, s.spec.id(), s.spec.name(), model, provider);
    }

    RunEvent modelRequestCompleted(Usage u, Optional<Duration> ttft) {
        return team ? new TeamModelRequestCompleted(now(), s.runId, s.sessionId, s.parentRunId, s.spec.id(), s.spec.name(),
                model, provider, u.inputTokens(), u.outputTokens(), u.totalTokens(), ttft, u.reasoningTokens(),
                u.cacheReadTokens(), u.cacheWriteTokens())
                : new ModelRequestCompleted(now(), s.runId, s.sessionId, s.parentRunId, s.spec.id(), s.spec.name(),
                model, provider, u.inputTokens(), u.outputTokens(), u.totalTokens(), ttft, u.reasoningTokens(),
                u.cacheReadTokens(), u.cacheWriteTokens());
    }

    /** The completion of {@code run}, a snapshot of this run: its answer, metrics, provider data and members. */
    RunEvent completed(RunResult run) {
        List<RunResult> members = run instanceof TeamRunOutput t ? t.memberResponses() : List.of();
        return team ? new TeamRunCompleted(now(), s.runId, s.sessionId, s.parentRunId, s.spec.id(), s.spec.name(),
                run.content(), RunStatus.COMPLETED, run.metrics(), run.modelProviderData(), members, run.contentType())
                : new RunCompleted(now(), s.runId, s.sessionId, s.parentRunId, s.spec.id(), s.spec.name(),
                run.content(), RunStatus.COMPLETED, run.metrics(), run.modelProviderData(), run.contentType());
    }

    /**
     * The text a member's event adds to the content of the team runs above it, as Agno counts it while
     * streaming: a piece of answer or a tool call's result; nothing for other events and terminal ones.
     */
    static String memberText(RunEvent e) {
        return switch (e) {
            case TerminalEvent t -> "";
            case ContentEvent c -> c.content();
            case ToolCallCompleted t -> t.content();
            case TeamToolCallCompleted t -> t.content();
            default -> "";
        };
    }

    /** The copy of a terminal event the run keeps in its own events: without the member runs it holds anyway. */
    static RunEvent kept(RunEvent e) {
        return e instanceof TeamRunCompleted c ? c.withoutMemberResponses() : e;
    }

    RunEvent error(String message, String type) {
        return team ? new TeamRunError(now(), s.runId, s.sessionId, s.parentRunId, s.spec.id(), s.spec.name(), message, type,
                RunStatus.ERROR)
                : new RunError(now(), s.runId, s.sessionId, s.parentRunId, s.spec.id(), s.spec.name(), message, type,
                RunStatus.ERROR);
    }

    RunEvent cancelled(String reason, String content) {
        return team ? new TeamRunCancelled(now(), s.runId, s.sessionId, s.parentRunId, s.spec.id(), s.spec.name(), reason,
                content, RunStatus.CANCELLED)
                : new RunCancelled(now(), s.runId, s.sessionId, s.parentRunId, s.spec.id(), s.spec.name(), reason, content,
                RunStatus.CANCELLED);
    }
}
