package dev.cadre.run;

import dev.cadre.event.RunEvent;
import java.time.Duration;
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
     * Waits up to {@code timeout} until the {@link #iterator() iterator} has something to hand out — an
     * event, or the end of the stream — so that a reader can do something else (write a keep-alive, say)
     * when the run is quiet, on the same thread that reads:
     *
     * <pre>{@code
     * Iterator<RunEvent> it = events.iterator();
     * while (true) {
     *     if (!events.awaitNext(Duration.ofSeconds(15))) { sendKeepAlive(); continue; }
     *     if (!it.hasNext()) break;
     *     send(it.next());
     * }
     * }</pre>
     *
     * <p>Takes nothing from the stream. Call it from the thread that iterates, before or instead of
     * iterating. After {@code true}, the iterator's {@code hasNext()} answers without blocking. Unlike
     * {@code hasNext()}, an interrupt does not cancel the run: it is thrown, and the caller decides (closing
     * the stream cancels the run).
     *
     * @param timeout how long to wait at most; zero or negative only looks
     * @return {@code true} if the next event or the end is there, {@code false} if {@code timeout} passed first
     * @throws InterruptedException if the thread is interrupted while it waits
     */
    boolean awaitNext(Duration timeout) throws InterruptedException;

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
