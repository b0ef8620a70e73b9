package dev.cadre.run;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Where the completed steps of a run are kept, so that a run executed again — by another process, after
 * the one executing it died — replays what it did instead of doing it again: the model is not asked
 * again, a tool is not called again, a member that answered does not run again.
 *
 * <p>A run's steps are its history and prompt, each model turn, and each tool call (a delegation to a member
 * is a tool call, and the member's run has steps of its own). The engine asks for them in the same order
 * on every execution of the run, and a step's value is all the engine needs to go on from it.
 *
 * <p>The engine of a single process uses none ({@link RunExecutor}s that keep nothing across processes);
 * a durable executor supplies one per run it executes. Implementations are called on the run's own thread,
 * never concurrently for one run.
 */
public interface RunJournal {

    /**
     * A step's value, and whether it was recorded before ({@code replayed}): then the step's work was not
     * done now, and its effects that are not in its value (events, a listener's callbacks) did not happen
     * now either.
     */
    record Step<T>(T value, boolean replayed) {
    }

    /**
     * The run's next step: {@code work}'s value, recorded; or, when this run executed before and recorded this
     * step, that value, without calling {@code work}. {@code work} runs on the calling thread. When it throws,
     * the exception propagates (a run whose step failed ends, and an ended run is not executed again).
     *
     * @param name what the step is ({@code model}, {@code prompt}), for the record and its readers
     * @param type the value's type: a journal that records values writes and reads them with
     *     {@link dev.cadre.json.CadreJson} (each is a record of Cadre's types)
     */
    <T> Step<T> step(String name, Class<T> type, Supplier<T> work);

    /**
     * One of several parallel steps: what it does, described ({@code task}), and the work that does it here.
     * The work runs on a thread the journal gives it; whatever steps it asks for on that thread (a member run's)
     * are steps of its own.
     */
    record Work<T>(StepTask task, Supplier<T> work) {
    }

    /**
     * Several steps at once (the tool calls of one model turn, the member runs of a broadcast): each started now,
     * in the order given, each recorded as it ends; a step recorded before is not started again. Returns at
     * once; the futures complete with each step's value, or exceptionally with what its work threw. A journal
     * that outlives its process may have a step performed by another process from its {@link StepTask}
     * (when the one that started it died).
     */
    <T> List<CompletableFuture<Step<T>>> steps(String name, Class<T> type, List<Work<T>> works);

    /**
     * Whether this process has let go of its runs — it is shutting down, and another process resumes them from
     * this journal — or of the calling thread's run (another process resumed it already). A run whose thread is
     * interrupted then stops where it is and writes nothing more — no cancel, no end — instead of taking the
     * interrupt for a cancel; a run that comes to its end meanwhile writes none either. Asked on the run's thread.
     * Default: never (a local run's journal).
     */
    default boolean released() {
        return false;
    }
}
