package dev.cadre.testkit;

import dev.cadre.model.AbortSignal;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An {@link AbortSignal} a test fires by hand, as the engine's cancellation token would when a run is
 * cancelled: for testing a {@link dev.cadre.model.Model}'s cancellation without a run around it.
 *
 * <p>Thread-safe. Like the engine's token, it runs each registered action at most once: on the thread that
 * calls {@link #abort()}, or at once on the registering thread when the signal already is aborted.
 */
public final class TestAbortSignal implements AbortSignal {

    private final List<Runnable> actions = new CopyOnWriteArrayList<>();
    private volatile boolean aborted;

    @Override
    public boolean isAborted() {
        return aborted;
    }

    @Override
    public Registration onAbort(Runnable action) {
        Runnable once = new Runnable() {
            private boolean ran;

            @Override
            public synchronized void run() {
                if (!ran) {
                    ran = true;
                    action.run();
                }
            }
        };
        actions.add(once);
        if (aborted) {
            once.run();
        }
        return () -> actions.remove(once);
    }

    /** Aborts and runs every registered action on the calling thread. Aborting twice runs nothing again. */
    public void abort() {
        aborted = true;
        for (Runnable action : actions) {
            action.run();
        }
    }
}
