package dev.cadre.internal;

import dev.cadre.model.AbortSignal;
import dev.cadre.run.RunStatus;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The cancellation token of one run, and the single place where the run's terminal status is
 * decided.
 *
 * <p>Whoever decides first wins: the run's own thread deciding {@code COMPLETED} or {@code ERROR},
 * or a canceller deciding {@code CANCELLED}. Only a won cancel fires the abort actions (closing the
 * model's HTTP stream, interrupting tool threads) and cascades to child runs (team members, nested
 * teams), so a cancel that arrives after the run decided to complete changes nothing — and its
 * caller is told so.
 */
public final class RunControl implements AbortSignal {

    private final String runId;
    private final RunControl parent;
    private final Set<RunControl> children = ConcurrentHashMap.newKeySet();
    /** The run's end and, for a cancel, its reason: one value, so nobody sees the one without the other. */
    private final AtomicReference<Decision> decision = new AtomicReference<>();
    /**
     * Run in the order they were added: the listeners' {@code cancelRequested}, added when the run is created,
     * must run before the model's abort, which lets the run end (and report {@code runEnded}) on its own thread.
     */
    private final Set<Action> actions = new CopyOnWriteArraySet<>();
    private final CompletableFuture<String> cancelled = new CompletableFuture<>();
    private volatile boolean aborted;

    private record Decision(RunStatus status, String reason) {
    }

    /** The "decision" of a run let go of: not terminal, so no end is written; and it blocks every other one. */
    private static final Decision RELEASED = new Decision(RunStatus.RUNNING, "the process executing the run let go"
            + " of it; another one resumes it");

    private RunControl(String runId, RunControl parent) {
        this.runId = runId;
        this.parent = parent;
    }

    public static RunControl root(String runId) {
        return new RunControl(runId, null);
    }

    /** A control for a member run; cancelled at once if this one already is. */
    public RunControl child(String childRunId) {
        RunControl child = new RunControl(childRunId, this);
        children.add(child);
        if (isReleased()) {
            child.release();
        } else if (aborted) {
            child.cancel(reasonFor(child, reason()));
        }
        return child;
    }

    /**
     * The reason a member is given when this run's cancel reaches it: a member told only that its team
     * run was cancelled names its own run instead, as in Agno; any other reason is passed on as it is.
     */
    private String reasonFor(RunControl child, String why) {
        return why.equals(RunRegistry.cancelReason(runId)) ? RunRegistry.cancelReason(child.runId) : why;
    }

    public String runId() {
        return runId;
    }

    /**
     * Tries to decide {@code CANCELLED}. Returns the run's decided status afterwards: {@code CANCELLED}
     * when this call or an earlier cancel won, otherwise what the run decided itself.
     */
    public RunStatus cancel(String why) {
        if (decision.compareAndSet(null, new Decision(RunStatus.CANCELLED, why))) {
            aborted = true;
            for (Action a : actions) {
                a.runOnce();
            }
            for (RunControl child : children) {
                child.cancel(reasonFor(child, why));
            }
            cancelled.complete(why);
        }
        return decision.get().status();
    }

    /**
     * Lets go of the run without ending it: its process is shutting down and another process will resume it
     * from its journal. Like a won cancel it fires the abort actions (the model's HTTP stream closes, tool
     * threads are interrupted) and reaches the member runs; unlike one it decides no end — nothing decides one
     * any more, and the engine writes nothing more for the run. Returns whether this call let go of it (not when
     * the run had decided its end already).
     */
    public boolean release() {
        if (!decision.compareAndSet(null, RELEASED)) {
            return false;
        }
        aborted = true;
        for (Action a : actions) {
            a.runOnce();
        }
        for (RunControl child : children) {
            child.release();
        }
        cancelled.complete(RELEASED.reason());
        return true;
    }

    /** Whether the run was let go of ({@link #release}): it has no end here. */
    public boolean isReleased() {
        return decision.get() == RELEASED;
    }

    /** Tries to decide {@code status}; returns whether it is now the decided status. */
    public boolean decide(RunStatus status) {
        return decision.compareAndSet(null, new Decision(status, "")) || decision.get().status() == status;
    }

    public Optional<RunStatus> decided() {
        return Optional.ofNullable(decision.get()).map(Decision::status);
    }

    public boolean isCancelled() {
        return aborted;
    }

    /** Why the run was cancelled, decided with the cancel itself; empty unless the run was cancelled. */
    public String reason() {
        Decision d = decision.get();
        return d == null ? "" : d.reason();
    }

    /** Completes with the reason when the run is cancelled; never completes otherwise. */
    public CompletableFuture<String> whenCancelled() {
        return cancelled;
    }

    /** Removes this control from its parent, once its run has ended. */
    public void detach() {
        if (parent != null) {
            parent.children.remove(this);
        }
    }

    int childCount() {
        return children.size();
    }

    @Override
    public boolean isAborted() {
        return aborted;
    }

    @Override
    public Registration onAbort(Runnable action) {
        Action a = new Action(action);
        actions.add(a);
        if (aborted) {
            a.runOnce();
        }
        return () -> actions.remove(a);
    }

    private final class Action {
        private final Runnable body;
        private final java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();

        Action(Runnable body) {
            this.body = body;
        }

        void runOnce() {
            if (done.compareAndSet(false, true)) {
                actions.remove(this);
                try {
                    body.run();
                } catch (RuntimeException e) {
                    org.slf4j.LoggerFactory.getLogger(RunControl.class)
                            .warn("An abort action of run {} failed", runId, e);
                }
            }
        }
    }
}
