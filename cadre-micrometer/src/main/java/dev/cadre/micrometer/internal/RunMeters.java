package dev.cadre.micrometer.internal;

import static dev.cadre.micrometer.internal.MeterNames.*;

import dev.cadre.run.ModelCall;
import dev.cadre.run.RunInfo;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.run.ToolExecution;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Turns run callbacks into meters. What a meter needs beyond one callback (when a run started, when its cancel
 * was decided) is kept by run id in a concurrent map, and removed at the run's end, so nothing outlives its run.
 * Tags are only ever names from the configuration (components, models, providers, tools) and fixed values
 * (statuses, outcomes): never run, session or user ids, whose number has no bound. Safe for concurrent callbacks
 * from any number of runs.
 */
public final class RunMeters {

    /** When a run started, and when its cancel was decided ({@link #NOT_CANCELLED} while none was). */
    private static final class Started {
        static final long NOT_CANCELLED = Long.MIN_VALUE;
        final long startNanos;
        volatile long cancelNanos = NOT_CANCELLED;

        Started(long startNanos) {
            this.startNanos = startNanos;
        }
    }

    private final MeterRegistry registry;
    private final Clock clock;
    private final Map<String, Started> runs = new ConcurrentHashMap<>();

    public RunMeters(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.clock = registry.config().clock();
    }

    /** How many runs have started and not ended, as this listener heard them. */
    public int trackedRuns() {
        return runs.size();
    }

    public void runStarted(RunInfo run) {
        // A resumed run starts again under its id: the later start is the one its end is timed from.
        runs.put(run.runId(), new Started(clock.monotonicTime()));
        Counter.builder(RUNS_STARTED).description("Runs that started executing (a background run: left the queue)")
                .tag(COMPONENT, run.componentName()).tag(TEAM, Boolean.toString(run.team()))
                .register(registry).increment();
    }

    public void runEnded(RunInfo run, RunResult end) {
        Started started = runs.remove(run.runId());
        String status = end.status().name();
        Counter.builder(RUNS_ENDED).description("Runs that ended, by final status")
                .tag(COMPONENT, run.componentName()).tag(TEAM, Boolean.toString(run.team())).tag(STATUS, status)
                .register(registry).increment();
        if (started == null) {
            return; // its start was not heard (the listener was added to a run already going)
        }
        long now = clock.monotonicTime();
        Timer.builder(RUN_DURATION).description("From a run's start to its end")
                .tag(COMPONENT, run.componentName()).tag(STATUS, status)
                .register(registry).record(now - started.startNanos, TimeUnit.NANOSECONDS);
        if (end.status() == RunStatus.CANCELLED && started.cancelNanos != Started.NOT_CANCELLED) {
            Timer.builder(CANCEL_LATENCY).description("From a run's cancel being decided to the run's end")
                    .tag(COMPONENT, run.componentName())
                    .register(registry).record(now - started.cancelNanos, TimeUnit.NANOSECONDS);
        }
    }

    public void cancelRequested(RunInfo run) {
        long now = clock.monotonicTime();
        // Only a run that is executing is timed; a queued run's cancel ends it before it starts. A run's cancel is
        // decided once (cadre-core tells it once), so the first time is the only one.
        Started started = runs.get(run.runId());
        if (started != null && started.cancelNanos == Started.NOT_CANCELLED) {
            started.cancelNanos = now;
        }
    }

    public void modelRequestEnded(ModelCall call) {
        String outcome = call.aborted() ? "aborted" : call.error().isPresent() ? "error" : "ok";
        Counter.builder(MODEL_REQUESTS).description("Requests to models, by outcome")
                .tag(MODEL, call.modelId()).tag(PROVIDER, call.provider()).tag(OUTCOME, outcome)
                .register(registry).increment();
        Timer.builder(MODEL_REQUEST_DURATION).description("From a model request to its end")
                .tag(MODEL, call.modelId()).tag(PROVIDER, call.provider()).tag(OUTCOME, outcome)
                .register(registry).record(call.duration());
        call.timeToFirstToken().ifPresent(ttft -> Timer.builder(TIME_TO_FIRST_TOKEN)
                .description("From a model request to its first text (else its first chunk)")
                .tag(MODEL, call.modelId()).tag(PROVIDER, call.provider())
                .register(registry).record(ttft));
        tokens(call.modelId(), "input", call.usage().inputTokens());
        tokens(call.modelId(), "output", call.usage().outputTokens());
    }

    private void tokens(String model, String type, long n) {
        if (n > 0) {
            Counter.builder(TOKENS).description("Tokens the providers reported").baseUnit("tokens")
                    .tag(MODEL, model).tag(TYPE, type)
                    .register(registry).increment(n);
        }
    }

    public void toolCallEnded(ToolExecution call) {
        Duration took = call.metrics().map(m -> m.duration()).orElse(Duration.ZERO);
        Timer.builder(TOOL_CALLS).description("Tool calls, by outcome, timed")
                .tag(TOOL, call.toolName()).tag(OUTCOME, call.failed() ? "error" : "ok")
                .register(registry).record(took);
    }

    public void delegationEnded(RunInfo team, RunInfo member, RunResult end) {
        Counter.builder(DELEGATIONS).description("Tasks a team handed to a member, by the member run's status")
                .tag(COMPONENT, team.componentName()).tag(MEMBER, member.componentName())
                .tag(STATUS, end.status().name())
                .register(registry).increment();
    }
}
