package dev.cadre.micrometer;

import dev.cadre.RunManager;
import dev.cadre.micrometer.internal.ManagerGauges;
import dev.cadre.micrometer.internal.RunMeters;
import dev.cadre.run.ModelCall;
import dev.cadre.run.RunInfo;
import dev.cadre.run.RunListener;
import dev.cadre.run.RunResult;
import dev.cadre.run.ToolExecution;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;

/**
 * Measures Cadre runs with Micrometer: a {@link RunListener} to register on a run manager
 * ({@code RunManager.builder().listener(metrics)}) or on an agent or team, plus gauges of a run manager
 * ({@link #bind(RunManager)}).
 *
 * <pre>{@code
 * CadreMetrics metrics = CadreMetrics.create(registry);
 * RunManager runs = RunManager.builder().listener(metrics).build();
 * metrics.bind(runs);
 * }</pre>
 *
 * <p>Meters (Micrometer's dotted names; a Prometheus registry writes {@code cadre_runs_ended_total} and so on):
 * <ul>
 *   <li>{@code cadre.runs.started} counter ({@code component}, {@code team}); {@code cadre.runs.ended} counter
 *       ({@code component}, {@code team}, {@code status}: {@code COMPLETED}, {@code ERROR}, {@code CANCELLED});
 *       {@code cadre.run.duration} timer ({@code component}, {@code status}).
 *   <li>{@code cadre.model.requests} counter and {@code cadre.model.request.duration} timer ({@code model},
 *       {@code provider}, {@code outcome}: {@code ok}, {@code error}, {@code aborted});
 *       {@code cadre.model.time_to_first_token} timer ({@code model}, {@code provider}); {@code cadre.tokens}
 *       counter ({@code model}, {@code type}: {@code input}, {@code output}).
 *   <li>{@code cadre.tool.calls} timer ({@code tool}, {@code outcome}: {@code ok}, {@code error});
 *       {@code cadre.delegations} counter ({@code component} (the team), {@code member}, {@code status}).
 *   <li>{@code cadre.cancel.latency} timer ({@code component}): from a running run's cancel being decided to its
 *       end as {@code CANCELLED}.
 *   <li>{@code cadre.runs.in_flight} and {@code cadre.runs.queued} gauges, from {@link #bind(RunManager)}.
 * </ul>
 * Tags are names from the configuration and fixed values only, never run, session or user ids: the number of
 * series stays bounded however many runs there are.
 *
 * <p><b>Threading.</b> Thread-safe: callbacks of any number of runs may come concurrently. What is kept per run
 * (its start, its cancel) is removed at the run's end. Failures of the registry are the registry's; a listener
 * cannot break a run.
 */
public final class CadreMetrics implements RunListener {

    private final RunMeters meters;
    private final ManagerGauges gauges;

    private CadreMetrics(MeterRegistry registry) {
        this.meters = new RunMeters(registry);
        this.gauges = new ManagerGauges(registry);
    }

    /** Records Cadre's meters in {@code registry}. Register the result as a listener to have it hear runs. */
    public static CadreMetrics create(MeterRegistry registry) {
        return new CadreMetrics(Objects.requireNonNull(registry, "registry"));
    }

    /**
     * Registers the gauges {@code cadre.runs.in_flight} ({@link RunManager#runningRuns()}) and
     * {@code cadre.runs.queued} ({@link RunManager#queuedBackgroundRuns()}) reading {@code runs}. Binding more
     * managers makes the gauges read their sum; binding one twice counts it once. It does not register this
     * listener on {@code runs}: that is the manager builder's {@code listener(...)}. Thread-safe.
     *
     * @return this
     */
    public CadreMetrics bind(RunManager runs) {
        gauges.bind(Objects.requireNonNull(runs, "runs"));
        return this;
    }

    /** What this listener keeps per run (for tests: it is empty once every run it heard start has ended). */
    RunMeters meters() {
        return meters;
    }

    @Override
    public void runStarted(RunInfo run) {
        meters.runStarted(run);
    }

    @Override
    public void runEnded(RunInfo run, RunResult end) {
        meters.runEnded(run, end);
    }

    @Override
    public void modelRequestEnded(RunInfo run, ModelCall call) {
        meters.modelRequestEnded(call);
    }

    @Override
    public void toolCallEnded(RunInfo run, ToolExecution call) {
        meters.toolCallEnded(call);
    }

    @Override
    public void delegationEnded(RunInfo team, RunInfo member, RunResult end) {
        meters.delegationEnded(team, member, end);
    }

    @Override
    public void cancelRequested(RunInfo run, String reason) {
        meters.cancelRequested(run);
    }
}
