package dev.cadre.run;

import dev.cadre.event.RunEvent;
import java.util.Iterator;

/**
 * The events of a running run, in order, ending with its terminal event.
 *
 * <pre>{@code
 * try (RunStream events = team.stream("Write a story")) {
 *     for (RunEvent e : events) { ... }
 * }
 * }</pre>
 *
 * <p>The run goes on on its own virtual thread; events wait for the reader in a bounded buffer, so
 * a reader that stops reading slows the run down rather than filling memory. Iterate once, from one
 * thread. {@link #close() Closing} the stream before the run ended cancels the run; always close it
 * (try-with-resources).
 */
public interface RunStream extends Iterable<RunEvent>, AutoCloseable {

    /** The run's id, known as soon as the stream exists. */
    String runId();

    /** The run's session id, known as soon as the stream exists. */
    String sessionId();

    /**
     * The events. Blocks in {@code hasNext()} until the next event or the end. If the reading
     * thread is interrupted, the run is cancelled and iteration ends after its terminal event.
     *
     * @throws IllegalStateException when called a second time
     */
    @Override
    Iterator<RunEvent> iterator();

    /**
     * Waits for the run to end and returns its final state. Events not yet read are skipped.
     *
     * @throws dev.cadre.db.DbException when the final state could not be written to the store
     */
    RunResult result();

    /**
     * Cancels the run if it has not ended, then waits (a few seconds at most) until its final state
     * is written. Idempotent.
     */
    @Override
    void close();
}
