package dev.cadre.internal;

import dev.cadre.db.DbException;
import dev.cadre.db.ProcessInstance;
import dev.cadre.event.RunEvent;
import dev.cadre.model.Message;
import dev.cadre.run.RunFailure;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends runs: decides the end (a cancel may have won), records the terminal event, writes the final state and
 * only then announces it — nothing announces an end that is not stored. Also writes a running run's progress.
 */
final class Finisher {

    private static final Logger LOG = LoggerFactory.getLogger(Finisher.class);

    private final EngineContext cx;

    Finisher(EngineContext cx) {
        this.cx = cx;
    }

    RunResult complete(LiveRun r, String content) {
        if (lettingGo(r)) {
            return released(r);
        }
        Memories.Pending memories;
        try {
            memories = Memories.think(cx, r); // asked before deciding, so a cancel meanwhile still wins
        } catch (ModelTurn.Cancelled c) {
            return cancelled(r);
        }
        if (!r.control.decide(RunStatus.COMPLETED)) {
            return cancelled(r);
        }
        r.emit(r.events.contentCompleted());
        memories.write(r);
        r.state.end(RunStatus.COMPLETED, content, Optional.empty());
        return finish(r, r.events.completed(r.state.snapshot()));
    }

    RunResult fail(LiveRun r, String type, String message) {
        if (lettingGo(r)) {
            return released(r);
        }
        if (!r.control.decide(RunStatus.ERROR)) {
            return cancelled(r);
        }
        r.state.end(RunStatus.ERROR, message, Optional.of(new RunFailure(type, message)));
        return finish(r, r.events.error(message, type));
    }

    /** Ends a cancelled run, keeping its partial answer (in its content and as its last assistant message). */
    RunResult cancelled(LiveRun r) {
        if (lettingGo(r)) {
            return released(r);
        }
        r.control.cancel(RunRegistry.cancelReason(r.state.runId));
        String reason = r.control.reason();
        boolean hadOpenTurn = r.state.hasOpenTurn();
        String partial = r.state.partialAnswer();
        if (hadOpenTurn && !partial.isEmpty()) {
            r.state.addMessage(Message.assistant(partial));
        }
        String content = r.state.cancelledContent(partial, reason);
        r.state.end(RunStatus.CANCELLED, content, Optional.empty());
        return finish(r, r.events.cancelled(reason, content));
    }

    /**
     * Ends a background run that never started (cancelled or rejected while pending): its end is recorded
     * and written like any other, and it leaves the registry.
     */
    void endUnstarted(LiveRun r, RunStatus status, Optional<RunFailure> failure) {
        RunResult stored = null;
        try {
            String content = status == RunStatus.CANCELLED ? cancelReason(r) : failure.map(RunFailure::message).orElse("");
            r.state.end(status, content, failure);
            r.state.addEvent(status == RunStatus.CANCELLED ? r.events.cancelled(content, content)
                    : r.events.error(content, failure.map(RunFailure::type).orElse("error")));
            stored = persistFinal(r, r.state.snapshot());
            r.outcome = stored;
        } finally {
            cx.registry().unregister(r.active, stored != null ? stored.status() : r.state.status());
            r.control.detach();
            r.done.complete(null);
            announce(r, stored != null ? stored : r.state.snapshot());
        }
    }

    private static String cancelReason(LiveRun r) {
        String reason = r.control.reason();
        return reason.isEmpty() ? RunRegistry.cancelReason(r.state.runId) : reason;
    }

    /**
     * Whether the run is let go of: released already, or its journal lets go of it — however the run came to its
     * end (a durable executor that finds another process resumed the run does not always catch it waiting).
     */
    private static boolean lettingGo(LiveRun r) {
        return r.control.isReleased() || (r.journal.released() && r.control.release());
    }

    /**
     * A run its process let go of ({@link RunControl#release}): it stops here without an end — nothing is
     * written, no terminal event — and its row stays as last written, for the process that resumes it.
     */
    private static RunResult released(LiveRun r) {
        return r.state.snapshot();
    }

    /** Completes the run's result future: with its end, or with the reason it could not be stored. */
    void announce(LiveRun r, RunResult end) {
        if (r.persistFailure != null) {
            r.result.completeExceptionally(r.persistFailure);
        } else {
            r.result.complete(end);
        }
    }

    /**
     * Records the terminal event, writes the final state, then tells the stream — only once the db holds
     * the end. A final state the db cannot take is retried until it does (see {@link FinalWrites});
     * meanwhile the run waits, still registered, so that a cancel or a poll can say so.
     */
    private RunResult finish(LiveRun r, RunEvent terminal) {
        r.state.addEvent(Events.kept(terminal));
        RunResult snapshot = r.state.snapshot();
        List<JointEnds.Held> members = r.joint.take();
        if (heldForTeam(r, terminal, snapshot, members)) {
            return snapshot; // written, and announced, with its team run's end
        }
        RunResult result = members.isEmpty() ? persistFinal(r, snapshot) : persistWith(r, snapshot, members);
        r.outcome = result;
        if (r.persistFailure != null) {
            return result; // not stored: no terminal event (the stream ends with the failure)
        }
        if (result.status() != r.state.status()) {
            LOG.warn("Run {} ended as {} here, but the db had already recorded {}; reporting the stored status",
                    r.state.runId, r.state.status(), result.status());
            terminal = terminalEvent(r, result);
        }
        r.sink.emit(terminal);
        return result;
    }

    /**
     * Hands a member run's end — and the ends of its own members it held — to its team run, when that run is
     * cancelled: the team run writes its own end next, and writes them with it ({@link JointEnds}). Not for a
     * journal that outlives the process: another process may perform that member's steps, and its end.
     */
    private boolean heldForTeam(LiveRun r, RunEvent terminal, RunResult snapshot, List<JointEnds.Held> members) {
        if (r.team.isEmpty() || cx.finalWrites().isEmpty() || !(r.journal instanceof LocalJournal)
                || r.team.get().control.decided().orElse(null) != RunStatus.CANCELLED) {
            return false;
        }
        JointEnds.Held held = new JointEnds.Held(r, terminal, snapshot);
        if (!r.team.get().joint.hold(members, held)) {
            return false; // the team run has written its end already: this one is written alone
        }
        r.held = held;
        return true;
    }

    /**
     * Writes a run's end together with the held ends of its members (members first, one store call), then settles
     * each member's end in order — its terminal event sent, what waited for its stored end run — and returns what
     * the store holds for the run itself, as {@link #persistFinal} does.
     */
    private RunResult persistWith(LiveRun r, RunResult snapshot, List<JointEnds.Held> members) {
        List<RunResult> states = new ArrayList<>(members.size() + 1);
        List<List<String>> ancestors = new ArrayList<>(members.size() + 1);
        for (JointEnds.Held h : members) {
            states.add(h.state);
            ancestors.add(h.run.ancestors);
        }
        states.add(snapshot);
        ancestors.add(r.ancestors);
        List<FinalWrite> writes = cx.finalWrites().orElseThrow().submitAll(states, ancestors);
        for (int i = 0; i < writes.size(); i++) {
            LiveRun run = i < members.size() ? members.get(i).run : r;
            FinalWrite w = writes.get(i);
            run.finalWrite = w;
            w.waiting.thenRun(() -> run.settled.complete(null));
        }
        for (int i = 0; i < members.size(); i++) {
            settleHeld(members.get(i), awaitStored(members.get(i).run, writes.get(i)));
        }
        return awaitStored(r, writes.getLast());
    }

    /**
     * Writes, each on its own, the member ends a run still holds when it ends without writing its own (its
     * process let go of it): they are never left unwritten.
     */
    void writeHeld(LiveRun r) {
        for (JointEnds.Held h : r.joint.take()) {
            settleHeld(h, persistFinal(h.run, h.state));
        }
    }

    /** A held member end is stored (or can never be): its terminal event is sent, then what waited for it runs. */
    private void settleHeld(JointEnds.Held h, RunResult stored) {
        LiveRun m = h.run;
        m.outcome = stored;
        if (m.persistFailure == null) {
            RunEvent terminal = h.terminal;
            if (stored.status() != h.state.status()) {
                LOG.warn("Run {} ended as {} here, but the db had already recorded {}; reporting the stored status",
                        m.state.runId, h.state.status(), stored.status());
                terminal = terminalEvent(m, stored);
            }
            m.sink.emit(terminal);
        }
        h.settle();
    }

    /** The terminal event that says how {@code stored} ended. */
    private static RunEvent terminalEvent(LiveRun r, RunResult stored) {
        return switch (stored.status()) {
            case COMPLETED -> r.events.completed(stored);
            case CANCELLED -> r.events.cancelled(stored.content(), stored.content());
            default -> r.events.error(stored.error().map(RunFailure::message).orElse(stored.content()),
                    stored.error().map(RunFailure::type).orElse("error"));
        };
    }

    /**
     * Writes a run's terminal state and waits until the db holds it — retried for as long as it takes
     * (see {@link FinalWrites}). Returns what the db holds: the given state, or the terminal state another
     * writer stored first. Sets {@link LiveRun#persistFailure} when it can never be stored.
     */
    private RunResult persistFinal(LiveRun r, RunResult snapshot) {
        if (cx.finalWrites().isEmpty()) {
            return snapshot;
        }
        FinalWrite w = cx.finalWrites().get().submit(snapshot, r.ancestors);
        r.finalWrite = w;
        w.waiting.thenRun(() -> r.settled.complete(null));
        return awaitStored(r, w);
    }

    /** Waits until the db holds {@code w}; sets {@link LiveRun#persistFailure} when it never can. */
    private static RunResult awaitStored(LiveRun r, FinalWrite w) {
        RunResult snapshot = w.state();
        try {
            return w.stored().join();
        } catch (CompletionException | CancellationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            r.persistFailure = cause instanceof DbException se ? se
                    : new DbException("Run " + snapshot.runId() + " ended as " + snapshot.status()
                            + " but its final state could not be written: " + describe(cause), cause);
            return snapshot;
        }
    }

    /** Writes progress of a running run; a run the db already ended is cancelled here. */
    void progress(LiveRun r) {
        if (cx.db().isEmpty() || r.control.isReleased()) {
            return;
        }
        try {
            if (!cx.db().get().updateRun(r.state.snapshot(), ProcessInstance.id())) {
                r.control.cancel("Run " + r.state.runId + " was ended elsewhere");
            }
        } catch (DbException e) {
            LOG.warn("Could not record the progress of run {}: {}", r.state.runId, e.getMessage());
        }
    }

    static String describe(Throwable t) {
        String msg = t.getMessage();
        return msg == null || msg.isBlank() ? t.getClass().getSimpleName() : msg;
    }
}
