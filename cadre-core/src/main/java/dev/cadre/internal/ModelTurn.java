package dev.cadre.internal;

import dev.cadre.model.Message;
import dev.cadre.model.AbortSignal;
import dev.cadre.model.Model;
import dev.cadre.model.ModelDelta;
import dev.cadre.model.ModelException;
import dev.cadre.model.ModelRequest;
import dev.cadre.model.ModelResponse;
import dev.cadre.model.ModelResponseAccumulator;
import dev.cadre.model.OutputSchema;
import dev.cadre.model.ToolDefinition;
import dev.cadre.model.Usage;
import dev.cadre.run.ModelCall;
import dev.cadre.run.RunJournal;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * One model turn of a run: the request on a thread of its own, its streamed text passed on as it comes,
 * and the run's thread waiting for the answer <em>or</em> the run's cancel, whichever comes first — so a
 * cancel never waits for the next chunk. The model thread (never the run's) is interrupted on a cancel.
 */
final class ModelTurn {

    /** Thrown inside the engine when the run was cancelled; caught by {@link Steps}. */
    static final class Cancelled extends Exception {
        Cancelled() {
            super(null, null, false, false);
        }
    }

    /** Carries a {@link Cancelled} out of a journal step, whose work cannot throw checked exceptions. */
    static final class CancelledStep extends RuntimeException {
        CancelledStep() {
            super(null, null, false, false);
        }
    }

    /** A model turn as the run's journal keeps it: what the model answered, and how soon. */
    record Turn(ModelResponse response, Optional<Duration> timeToFirstToken) {
    }

    private final EngineContext cx;

    ModelTurn(EngineContext cx) {
        this.cx = cx;
    }

    /**
     * The run's next model turn, as a step of its journal: asked of the model now, or, when the run executed
     * before and the journal has this turn, replayed from it — recorded in the run as it was, with its usage
     * and its events, and nothing sent to the model.
     */
    ModelResponse call(LiveRun r, List<Message> conversation, List<ToolDefinition> tools,
            Optional<OutputSchema> schema) throws Cancelled {
        RunJournal.Step<Turn> step;
        try {
            step = r.journal.step("model", Turn.class, () -> {
                try {
                    return ask(r, conversation, tools, schema);
                } catch (Cancelled c) {
                    throw new CancelledStep();
                }
            });
        } catch (CancelledStep c) {
            throw new Cancelled();
        }
        Turn turn = step.value();
        if (step.replayed()) {
            Model model = r.spec().model().orElseThrow();
            r.emit(r.events.modelRequestStarted());
            r.state.endTurn(turn.response());
            r.state.addUsage(model, turn.response().usage());
            r.emit(r.events.modelRequestCompleted(turn.response().usage(), turn.timeToFirstToken()));
        }
        return turn.response();
    }

    private Turn ask(LiveRun r, List<Message> conversation, List<ToolDefinition> tools, Optional<OutputSchema> schema)
            throws Cancelled {
        Model model = r.spec().model().orElseThrow();
        ModelRequest request = new ModelRequest(conversation, tools, schema);
        ModelResponseAccumulator acc = new ModelResponseAccumulator();
        r.state.startTurn(acc);
        r.emit(r.events.modelRequestStarted());
        r.listeners.call(r.info, l -> l.modelRequestStarted(r.info, model));
        long started = System.nanoTime();
        // A request is timed to its first text, else to its first chunk of any kind (a tool call): Agno leaves the
        // figure out for a tool-only request in some streams and not in others; always having it breaks no client.
        long[] firstText = {0};
        long[] firstChunk = {0};
        CompletableFuture<ModelResponse> answer = new CompletableFuture<>();
        Thread[] caller = new Thread[1];
        Runnable body = () -> {
            try {
                if (r.mode == RunEngine.Mode.STREAM) {
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
                        } else if (delta instanceof ModelDelta.Reasoning t && !t.text().isEmpty()) {
                            r.emit(r.events.reasoning(t.text()));
                        }
                    });
                    answer.complete(acc.response());
                } else {
                    ModelResponse whole = model.invoke(request, r.control);
                    r.state.firstToken();
                    firstText[0] = System.nanoTime();
                    answer.complete(whole);
                }
            } catch (Throwable t) {
                answer.completeExceptionally(t);
            }
        };
        // An abortable model is called on the run's thread: its abort ends the call at once. Any other gets a
        // thread of its own, interrupted by a cancel, that the run does not wait for.
        boolean inline = model.abortable();
        var interrupt = inline ? (AbortSignal.Registration) () -> { } : r.control.onAbort(() -> {
            Thread t;
            synchronized (caller) {
                t = caller[0];
            }
            if (t != null) {
                t.interrupt();
            }
        });
        ModelResponse response = null;
        Throwable failure = null;
        try {
            if (inline) {
                body.run();
            } else {
                synchronized (caller) {
                    caller[0] = cx.threads().start("cadre-model-" + r.state.runId, body);
                }
            }
            response = await(r, answer);
            r.state.endTurn(response);
            r.state.addUsage(model, response.usage());
            Optional<Duration> first = timeToFirst(started, firstText[0], firstChunk[0]);
            r.emit(r.events.modelRequestCompleted(response.usage(), first));
            return new Turn(response, first);
        } catch (RuntimeException | Cancelled e) {
            failure = e;
            throw e;
        } finally {
            interrupt.close();
            report(r, model, started, firstText[0], firstChunk[0], response, failure);
        }
    }

    private static Optional<Duration> timeToFirst(long started, long firstText, long firstChunk) {
        long first = firstText != 0 ? firstText : firstChunk;
        return first == 0 ? Optional.empty() : Optional.of(Duration.ofNanos(first - started));
    }

    private static void report(LiveRun r, Model model, long started, long firstText, long firstChunk,
            ModelResponse response, Throwable failure) {
        if (r.listeners.isEmpty()) {
            return;
        }
        boolean aborted = failure instanceof Cancelled || (failure != null && r.control.isCancelled());
        Optional<String> error = failure == null || aborted ? Optional.empty()
                : Optional.of(failure instanceof ModelException me ? me.getMessage() : Finisher.describe(failure));
        ModelCall call = new ModelCall(model.id(), model.provider(), response == null ? Usage.NONE : response.usage(),
                timeToFirst(started, firstText, firstChunk), Duration.ofNanos(System.nanoTime() - started), error, aborted);
        r.listeners.call(r.info, l -> l.modelRequestEnded(r.info, call));
    }

    /** Waits for {@code work} or the run's cancellation, whichever comes first. */
    static <T> T await(LiveRun r, CompletableFuture<T> work) throws Cancelled {
        try {
            CompletableFuture.anyOf(work, r.control.whenCancelled()).get();
        } catch (InterruptedException e) {
            // An interrupted run is cancelled — unless its process is letting go of it for another to resume.
            if (!(r.journal.released() && r.control.release())) {
                r.control.cancel(RunRegistry.cancelReason(r.state.runId));
            }
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

    static RuntimeException unwrap(Throwable t) {
        return switch (t) {
            case RuntimeException re -> re;
            case Error err -> throw err;
            default -> new IllegalStateException(Finisher.describe(t), t);
        };
    }
}
