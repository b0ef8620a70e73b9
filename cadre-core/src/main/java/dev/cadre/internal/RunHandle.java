package dev.cadre.internal;

import dev.cadre.run.CancelResult;
import dev.cadre.run.Run;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.run.RunStream;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The {@link Run} handle of a run of this process; see its contract there. */
final class RunHandle implements Run<RunResult> {

    private final LiveRun r;
    private final EngineContext cx;

    RunHandle(LiveRun run, EngineContext context) {
        this.r = run;
        this.cx = context;
    }

    @Override
    public String runId() {
        return r.state.runId;
    }

    @Override
    public String sessionId() {
        return r.state.sessionId;
    }

    @Override
    public String componentId() {
        return r.spec().id();
    }

    @Override
    public RunStatus status() {
        Optional<RunResult> end = result();
        if (end.isPresent()) {
            return end.get().status();
        }
        RunStatus now = r.state.status();
        return now.isTerminal() ? RunStatus.RUNNING : now; // ended here, not stored yet: not announced
    }

    @Override
    public RunResult snapshot() {
        return result().orElseGet(r.state::snapshot);
    }

    @Override
    public RunStream events() {
        if (r.sink instanceof QueueRunStream stream) {
            return stream;
        }
        throw new IllegalStateException("Run " + runId() + " was not started streaming: its events are stored "
                + "with it (getRunOutput) and reported to RunListeners. Start it with start(...) to read them live.");
    }

    @Override
    public RunResult await() throws InterruptedException {
        skipUnreadEvents();
        try {
            return r.result.get();
        } catch (ExecutionException e) {
            throw ModelTurn.unwrap(e.getCause());
        }
    }

    @Override
    public Optional<RunResult> await(Duration timeout) throws InterruptedException {
        skipUnreadEvents();
        try {
            return Optional.of(r.result.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (ExecutionException e) {
            throw ModelTurn.unwrap(e.getCause());
        }
    }

    private void skipUnreadEvents() {
        if (r.sink instanceof QueueRunStream stream) {
            stream.discard();
        }
    }

    @Override
    public Optional<RunResult> result() {
        CompletableFuture<RunResult> f = r.result;
        return f.isDone() && !f.isCompletedExceptionally() ? Optional.of(f.join()) : Optional.empty();
    }

    @Override
    public CancelResult cancel() {
        return cx.registry().cancelLocal(runId()).orElseGet(() -> {
            // Ended and forgotten here: what it ended as is known to the handle.
            RunResult end = r.state.snapshot();
            return CancelResult.alreadyFinished(runId(), result().map(RunResult::status).orElse(end.status()),
                    Optional.empty());
        });
    }

    @Override
    public CompletableFuture<RunResult> future() {
        RunFuture f = new RunFuture(r.control);
        r.result.whenComplete((end, failure) -> {
            if (failure != null) {
                f.completeExceptionally(failure);
            } else {
                f.complete(end);
            }
        });
        return f;
    }

    @Override
    public String toString() {
        return "Run[" + runId() + " of " + componentId() + ", " + status() + "]";
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
}
