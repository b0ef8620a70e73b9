package dev.cadre.run;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs background runs. The in-process default runs each on a virtual thread, with a limit on how
 * many run at once and how many may wait; a durable, multi-node executor can replace it without
 * changing agents or teams.
 */
public interface RunExecutor {

    /**
     * Accepts a run to execute. Returns at once.
     *
     * @throws RejectedExecutionException when the executor is full or shut down
     */
    void submit(Runnable run);

    /** Stops accepting runs. Runs accepted already go on. */
    void stopAccepting();

    /** Waits up to {@code timeout} for accepted runs to finish; returns whether they all did. */
    boolean awaitIdle(Duration timeout) throws InterruptedException;
}
