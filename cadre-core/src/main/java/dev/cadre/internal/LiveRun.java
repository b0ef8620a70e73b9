package dev.cadre.internal;

import dev.cadre.event.ContentEvent;
import dev.cadre.event.RunEvent;
import dev.cadre.db.DbException;
import dev.cadre.run.RunInfo;
import dev.cadre.run.RunJournal;
import dev.cadre.run.RunResult;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One run while this process executes it: its state, its cancellation control, where its events go, and
 * the futures that announce its end. Shared by the run's threads; the fields set later are volatile.
 */
final class LiveRun {

    final RunState state;
    final RunControl control;
    final RunEngine.Mode mode;
    final EventSink sink;
    final Events events;
    final RunInfo info;
    final Listeners listeners;
    /** Where its steps are kept: nowhere for a run of this process alone; its team's journal for a member run. */
    final RunJournal journal;
    /** The component ids from the top-level component down to this run's own. */
    final List<String> path;
    /** The team runs above this member run, nearest first: their final states are written after this one's. */
    final List<String> ancestors;
    final boolean member;
    /** Completes when the run no longer executes here (ended, or never started). */
    final CompletableFuture<Void> done = new CompletableFuture<>();
    /** Completes when the run has ended, or its final state waits for the db. */
    final CompletableFuture<Void> settled = new CompletableFuture<>();
    /** Completes with the end as stored, or exceptionally when it cannot be stored: what callers wait on. */
    final CompletableFuture<RunResult> result = new CompletableFuture<>();
    volatile RunRegistry.ActiveRun active;
    volatile DbException persistFailure;
    /** The run's end as stored (null until then). */
    volatile RunResult outcome;
    volatile FinalWrite finalWrite;
    /** The team run this member run was started by; empty for a top-level run. */
    final Optional<LiveRun> team;
    /** The ends of this run's members held for its own final write (see {@link JointEnds}). */
    final JointEnds joint = new JointEnds();
    /** This member run's end, when it is held for its team run's final write; null otherwise. */
    volatile JointEnds.Held held;

    LiveRun(RunState state, RunControl control, RunEngine.Mode mode, EventSink sink, List<String> ancestors,
            Listeners listeners, RunJournal journal, List<String> path, Optional<LiveRun> team) {
        this.team = team;
        this.journal = journal;
        this.path = List.copyOf(path);
        this.state = state;
        this.control = control;
        this.mode = mode;
        this.sink = sink;
        this.events = new Events(state);
        this.ancestors = ancestors;
        this.member = !ancestors.isEmpty();
        this.listeners = listeners;
        this.info = new RunInfo(state.runId, state.sessionId, state.spec.id(), state.spec.name(), state.parentRunId,
                state.userId, state.spec instanceof Spec.TeamSpec);
    }

    Spec spec() {
        return state.spec;
    }

    boolean finalStatePending() {
        FinalWrite w = finalWrite;
        return (w != null && !w.stored().isDone()) || (held != null && outcome == null);
    }

    /** Runs {@code action} once this run's end is stored: now, unless the end is held for its team run's write. */
    void afterEndStored(Runnable action) {
        JointEnds.Held h = held;
        if (h == null) {
            action.run();
        } else {
            h.after(action);
        }
    }

    /** Records the event with the run (content events are not kept) and hands it to the run's sink. */
    void emit(RunEvent e) {
        if (!(e instanceof ContentEvent)) {
            state.addEvent(e);
        }
        sink.emit(e);
    }
}
