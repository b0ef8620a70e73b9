package dev.cadre.opentelemetry;

import dev.cadre.model.Model;
import dev.cadre.opentelemetry.internal.ContextPropagatingExecutor;
import dev.cadre.opentelemetry.internal.SpanRecorder;
import dev.cadre.run.ModelCall;
import dev.cadre.run.RunExecutor;
import dev.cadre.run.RunInfo;
import dev.cadre.run.RunListener;
import dev.cadre.run.RunResult;
import dev.cadre.run.ToolExecution;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Traces Cadre runs with OpenTelemetry: a {@link RunListener} to register on a run manager
 * ({@code RunManager.builder().listener(tracing)}) or on an agent or team.
 *
 * <p>Spans, after OpenTelemetry's GenAI semantic conventions:
 * <ul>
 *   <li>{@code invoke_agent <name>} per run (agents and teams alike; {@code cadre.run.team} tells them apart),
 *       with the run, session, component and user ids and the final {@code cadre.run.status}. A failed run's
 *       span has status ERROR with the failure's message and {@code error.type}; a cancelled run's is not an
 *       error: it has {@code cadre.run.status=CANCELLED} and a {@code cadre.run.cancelled} event with the reason.
 *   <li>{@code chat <model>} per model request ({@code gen_ai.operation.name=chat}, provider, model, token usage,
 *       time to first token; {@code error.type} and ERROR status when it failed).
 *   <li>{@code execute_tool <tool>} per tool call ({@code gen_ai.tool.name}, {@code gen_ai.tool.call.id}).
 *   <li>{@code delegate <member>} per delegation of a team; the member's run span is its child.
 * </ul>
 * A run a caller starts is a child of the OpenTelemetry context current on the thread its start is reported
 * from, which is one of the run manager's threads. To make it the caller's span, give the manager
 * {@link #contextPropagation()} as its task wrapper: every run, blocking, streamed or in the background, then
 * hangs under the span current where it was started. (A manager with an executor of its own that only needs
 * background runs covered can use {@link #executor(RunExecutor)} instead.)
 *
 * <p><b>Threading.</b> Thread-safe: callbacks of any number of runs may come concurrently. Every span ends
 * exactly once, even when a cancel races the run's end; a run's spans are all ended, and forgotten, when it
 * ends. Failures of the tracer are OpenTelemetry's to handle; a listener cannot break a run.
 */
public final class CadreTracing implements RunListener {

    /** The instrumentation scope of Cadre's spans. */
    public static final String INSTRUMENTATION_SCOPE = "dev.cadre.opentelemetry";

    private final SpanRecorder spans;

    private CadreTracing(Builder b) {
        this.spans = new SpanRecorder(b.tracer);
    }

    /** Traces with {@code openTelemetry}'s tracer for {@link #INSTRUMENTATION_SCOPE}. */
    public static Builder builder(OpenTelemetry openTelemetry) {
        Objects.requireNonNull(openTelemetry, "openTelemetry");
        return new Builder(openTelemetry.getTracer(INSTRUMENTATION_SCOPE));
    }

    /** Traces with {@code tracer}. */
    public static Builder builder(Tracer tracer) {
        return new Builder(Objects.requireNonNull(tracer, "tracer"));
    }

    /** Shorthand for {@code builder(openTelemetry).build()}. */
    public static CadreTracing create(OpenTelemetry openTelemetry) {
        return builder(openTelemetry).build();
    }

    /**
     * Carries the OpenTelemetry context of the thread that hands a task over to the thread that runs it: give it
     * to {@code RunManager.builder().taskWrapper(...)} so that a run started while a span is current (by
     * {@code run}, {@code start} or {@code startInBackground}) is that span's child, although it executes on
     * the manager's threads. Stateless; safe to share between managers.
     */
    public static UnaryOperator<Runnable> contextPropagation() {
        return task -> Context.current().wrap(task);
    }

    /**
     * {@code delegate}, submitting each background run in the OpenTelemetry context current when it was
     * submitted, that is the caller's of {@code startInBackground}: give it to {@code RunManager.builder().executor}
     * so that background runs are children of their caller's span. Everything else is the delegate's.
     */
    public static RunExecutor executor(RunExecutor delegate) {
        return new ContextPropagatingExecutor(delegate);
    }

    /** How many runs have a span open now; 0 once every run that started has ended. */
    public int openRuns() {
        return spans.openRuns();
    }

    @Override
    public void runStarted(RunInfo run) {
        spans.runStarted(run);
    }

    @Override
    public void runEnded(RunInfo run, RunResult end) {
        spans.runEnded(run, end);
    }

    @Override
    public void modelRequestStarted(RunInfo run, Model model) {
        spans.modelRequestStarted(run, model);
    }

    @Override
    public void modelRequestEnded(RunInfo run, ModelCall call) {
        spans.modelRequestEnded(run, call);
    }

    @Override
    public void toolCallStarted(RunInfo run, ToolExecution call) {
        spans.toolCallStarted(run, call);
    }

    @Override
    public void toolCallEnded(RunInfo run, ToolExecution call) {
        spans.toolCallEnded(run, call);
    }

    @Override
    public void delegationStarted(RunInfo team, RunInfo member, String task) {
        spans.delegationStarted(team, member, task);
    }

    @Override
    public void delegationEnded(RunInfo team, RunInfo member, RunResult end) {
        spans.delegationEnded(team, member, end);
    }

    @Override
    public void cancelRequested(RunInfo run, String reason) {
        spans.cancelRequested(run, reason);
    }

    /** Configures a {@link CadreTracing}. */
    public static final class Builder {

        private final Tracer tracer;

        private Builder(Tracer tracer) {
            this.tracer = tracer;
        }

        public CadreTracing build() {
            return new CadreTracing(this);
        }
    }
}
