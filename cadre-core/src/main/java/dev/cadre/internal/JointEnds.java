package dev.cadre.internal;

import dev.cadre.event.RunEvent;
import dev.cadre.run.RunResult;
import java.util.ArrayList;
import java.util.List;

/**
 * The ends of a cancelled team run's members, held until the team run's own end is written, so that all of them
 * are written together: one commit instead of one per run, one after another, on the cancel's path.
 *
 * <p>A member run that ends while its team run is cancelled does not write its end: it hands it here, with its
 * terminal event, and waits for nothing. The team run takes what is held when it writes its own end
 * ({@link #take}), writes everything in one store call, members first, and then settles each held end in order —
 * the member's terminal event is sent, and what comes after a stored end runs ({@link Held#after}) — before its
 * own terminal event. An end offered once the team run has taken what was held is refused, and the member writes
 * it alone, as it would without a team.
 *
 * <p>Thread-safe: members hand their ends over from their own threads.
 */
final class JointEnds {

    /** One member run's end, held for its team run's write. */
    static final class Held {
        final LiveRun run;
        final RunEvent terminal;
        final RunResult state;
        private List<Runnable> after = new ArrayList<>();
        private boolean settled;

        Held(LiveRun run, RunEvent terminal, RunResult state) {
            this.run = run;
            this.terminal = terminal;
            this.state = state;
        }

        /**
         * Runs {@code action} once the end is stored and its terminal event sent: now, on the calling thread, if it
         * is; otherwise on the thread that settles it.
         */
        void after(Runnable action) {
            synchronized (this) {
                if (!settled) {
                    after.add(action);
                    return;
                }
            }
            action.run();
        }

        /** The end is stored and its terminal event sent: runs what waited for that, in the order it came. */
        void settle() {
            List<Runnable> actions;
            synchronized (this) {
                settled = true;
                actions = after;
                after = List.of();
            }
            actions.forEach(Runnable::run);
        }
    }

    /** Made on the first hold: most runs have no member that ends while they are cancelled. */
    private List<Held> held;
    private boolean taken;

    /**
     * Holds {@code members} (ends the member had held for itself, already in order) and then {@code end}; returns
     * false, holding nothing, once the team run has taken what was held.
     */
    synchronized boolean hold(List<Held> members, Held end) {
        if (taken) {
            return false;
        }
        if (held == null) {
            held = new ArrayList<>();
        }
        held.addAll(members);
        held.add(end);
        return true;
    }

    /** Everything held, in the order it came (members before their team runs); from now on nothing more is held. */
    synchronized List<Held> take() {
        taken = true;
        List<Held> all = held == null ? List.of() : List.copyOf(held);
        held = null;
        return all;
    }
}
