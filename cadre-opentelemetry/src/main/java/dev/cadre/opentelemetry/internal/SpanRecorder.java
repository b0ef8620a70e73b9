package dev.cadre.opentelemetry.internal;

import static dev.cadre.opentelemetry.internal.SemanticAttributes.*;

import dev.cadre.model.Model;
import dev.cadre.run.ModelCall;
import dev.cadre.run.RunInfo;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.run.ToolExecution;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns run callbacks into spans. Open spans are kept by run id in a concurrent map; a run's entry is removed
 * (and everything still open below it ended) at the run's end, so nothing outlives its run. Safe for concurrent
 * callbacks from any number of runs.
 */
public final class SpanRecorder {

    private final Tracer tracer;
    private final Map<String, RunSpans> runs = new ConcurrentHashMap<>();

    public SpanRecorder(Tracer tracer) {
        this.tracer = Objects.requireNonNull(tracer, "tracer");
    }

    /** How many runs have a span open now. */
    public int openRuns() {
        return runs.size();
    }

    public void runStarted(RunInfo run) {
        Span span = tracer.spanBuilder("invoke_agent " + run.componentName())
                .setParent(parentOf(run))
                .setSpanKind(SpanKind.INTERNAL)
                .setAttribute(OPERATION, "invoke_agent")
                .setAttribute(AGENT_ID, run.componentId())
                .setAttribute(AGENT_NAME, run.componentName())
                .setAttribute(CONVERSATION_ID, run.sessionId())
                .setAttribute(RUN_ID, run.runId())
                .setAttribute(SESSION_ID, run.sessionId())
                .setAttribute(COMPONENT_ID, run.componentId())
                .setAttribute(COMPONENT_NAME, run.componentName())
                .setAttribute(TEAM, run.team())
                .startSpan();
        run.parentRunId().ifPresent(id -> span.setAttribute(PARENT_RUN_ID, id));
        run.userId().ifPresent(id -> span.setAttribute(USER_ID, id));
        RunSpans previous = runs.put(run.runId(), new RunSpans(span));
        if (previous != null) { // the same run id started twice (a resumed run): close the stale entry
            endAll(previous);
        }
    }

    /**
     * A member run hangs under its delegation (else its team's span); a run a caller started hangs under the
     * context current on the thread that reports its start, which {@code CadreTracing.executor} makes the
     * caller's.
     */
    private Context parentOf(RunInfo run) {
        Optional<RunSpans> team = run.parentRunId().map(runs::get);
        if (team.isPresent()) {
            Span parent = team.get().delegation(run.runId()).orElse(team.get().run);
            return Context.current().with(parent);
        }
        return Context.current();
    }

    public void runEnded(RunInfo run, RunResult end) {
        RunSpans spans = runs.remove(run.runId());
        if (spans == null) {
            return;
        }
        Span span = spans.run;
        span.setAttribute(STATUS, end.status().name());
        if (end.status() == RunStatus.ERROR) {
            String type = end.error().map(f -> f.type()).orElse("_OTHER");
            String message = end.error().map(f -> f.message()).orElse(end.content());
            span.setAttribute(ERROR_TYPE, type);
            span.setStatus(StatusCode.ERROR, message);
        }
        endAll(spans);
    }

    private static void endAll(RunSpans spans) {
        spans.takeRest().forEach(Span::end);
        spans.run.end();
    }

    public void cancelRequested(RunInfo run, String reason) {
        RunSpans spans = runs.get(run.runId());
        if (spans == null) {
            return; // not started (cancelled in the queue) or already ended
        }
        // A cancel is what the caller asked for, not a failure: an attribute and an event, no ERROR status.
        spans.run.setAttribute(STATUS, RunStatus.CANCELLED.name());
        spans.run.addEvent("cadre.run.cancelled", Attributes.of(CANCEL_REASON, reason));
    }

    public void modelRequestStarted(RunInfo run, Model model) {
        RunSpans spans = runs.get(run.runId());
        if (spans == null) {
            return;
        }
        String provider = model.provider();
        Span span = child(spans, "chat " + model.id(), SpanKind.CLIENT)
                .setAttribute(OPERATION, "chat")
                .setAttribute(SYSTEM, provider)
                .setAttribute(PROVIDER, provider)
                .setAttribute(REQUEST_MODEL, model.id())
                .setAttribute(RUN_ID, run.runId())
                .startSpan();
        spans.openModel(span);
    }

    public void modelRequestEnded(RunInfo run, ModelCall call) {
        Optional<Span> open = Optional.ofNullable(runs.get(run.runId())).flatMap(RunSpans::takeModel);
        if (open.isEmpty()) {
            return;
        }
        Span span = open.get();
        if (call.usage().inputTokens() > 0 || call.usage().outputTokens() > 0) {
            span.setAttribute(INPUT_TOKENS, call.usage().inputTokens());
            span.setAttribute(OUTPUT_TOKENS, call.usage().outputTokens());
        }
        call.timeToFirstToken().ifPresent(ttft -> span.setAttribute(TIME_TO_FIRST_TOKEN, ttft.toNanos() / 1e9));
        if (call.aborted()) {
            span.setAttribute(ABORTED, true);
        }
        call.error().ifPresent(message -> {
            span.setAttribute(ERROR_TYPE, "model_error");
            span.setStatus(StatusCode.ERROR, message);
        });
        span.end();
    }

    public void toolCallStarted(RunInfo run, ToolExecution call) {
        RunSpans spans = runs.get(run.runId());
        if (spans == null) {
            return;
        }
        Span span = child(spans, "execute_tool " + call.toolName(), SpanKind.INTERNAL)
                .setAttribute(OPERATION, "execute_tool")
                .setAttribute(TOOL_NAME, call.toolName())
                .setAttribute(TOOL_CALL_ID, call.toolCallId())
                .setAttribute(RUN_ID, run.runId())
                .startSpan();
        spans.openTool(call.toolCallId(), span);
    }

    public void toolCallEnded(RunInfo run, ToolExecution call) {
        Optional<Span> open = Optional.ofNullable(runs.get(run.runId())).flatMap(s -> s.takeTool(call.toolCallId()));
        if (open.isEmpty()) {
            return;
        }
        Span span = open.get();
        if (call.toolCallError().orElse(false)) {
            span.setAttribute(ERROR_TYPE, "tool_error");
            span.setStatus(StatusCode.ERROR, call.result().orElse("The tool failed"));
        }
        span.end();
    }

    public void delegationStarted(RunInfo team, RunInfo member, String task) {
        RunSpans spans = runs.get(team.runId());
        if (spans == null) {
            return;
        }
        Span span = child(spans, "delegate " + member.componentName(), SpanKind.INTERNAL)
                .setAttribute(OPERATION, "invoke_agent")
                .setAttribute(RUN_ID, team.runId())
                .setAttribute(MEMBER_RUN_ID, member.runId())
                .setAttribute(MEMBER_NAME, member.componentName())
                .startSpan();
        spans.openDelegation(member.runId(), span);
    }

    public void delegationEnded(RunInfo team, RunInfo member, RunResult end) {
        Optional<Span> open = Optional.ofNullable(runs.get(team.runId()))
                .flatMap(s -> s.takeDelegation(member.runId()));
        if (open.isEmpty()) {
            return;
        }
        Span span = open.get();
        span.setAttribute(STATUS, end.status().name());
        if (end.status() == RunStatus.ERROR) {
            span.setStatus(StatusCode.ERROR, end.error().map(f -> f.message()).orElse(end.content()));
        }
        span.end();
    }

    private SpanBuilder child(RunSpans spans, String name, SpanKind kind) {
        return tracer.spanBuilder(name).setParent(Context.current().with(spans.run)).setSpanKind(kind);
    }
}
