package dev.cadre.anthropic;

import dev.cadre.model.AbortSignal;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** An abort signal a test fires by hand, as the engine's cancellation token would. */
final class TestAbortSignal implements AbortSignal {

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

    /** Aborts and runs every registered action on the calling thread. */
    void abort() {
        aborted = true;
        for (Runnable action : actions) {
            action.run();
        }
    }
}
