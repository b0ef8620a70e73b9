package dev.cadre.model.support;

import dev.cadre.model.AbortSignal;
import dev.cadre.model.ModelException;
import java.util.Iterator;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs a model's non-streamed and streamed calls as attempts under a {@link RetryLoop}, each attempt linked to
 * the call's {@link AbortSignal}: an attempt that fails once its signal is aborted ends the call as
 * {@linkplain ModelFailures#cancelled() cancelled}, and a stream stops handing on events as soon as the signal
 * aborts. How an abort reaches the SDK's HTTP call (cancelling it, closing its socket) is the model's part, in
 * {@link Attempts#begin}.
 *
 * <p>Threading: a call runs on the calling thread; events are handed on on that thread, in order. The runner
 * keeps no state between calls, so one runner serves concurrent calls.
 *
 * @param <A> the model's handle on one HTTP attempt
 */
public final class ModelCallRunner<A extends ModelCallRunner.Attempt> {

    /** One HTTP attempt, linked to an abort signal until closed. */
    public interface Attempt extends AutoCloseable {

        /** Whether the call's signal aborted this attempt. Thread-safe. */
        boolean aborted();

        /** Unlinks the attempt from its signal. Called once, when the attempt is over. */
        @Override
        void close();
    }

    /** What the runner asks the model about its attempts. Implementations must be thread-safe. */
    public interface Attempts<A extends Attempt> {

        /** Starts one attempt for {@code abort}: links it so that an abort cuts its HTTP call off. */
        A begin(AbortSignal abort);

        /**
         * What a failure before any output goes on to the {@link RetryPolicy} as; by default {@code failure}
         * itself. A model whose policy needs more than the exception (say, what the attempt saw of the error
         * response) wraps it here.
         */
        default RuntimeException beforeOutput(RuntimeException failure, A attempt) {
            return failure;
        }

        /**
         * The exception a stream ends with when it fails after handing on output, which is never retried: for
         * example {@link ModelFailures#brokenStream}.
         */
        ModelException midStream(RuntimeException failure, A attempt);

        /** Attempts started by {@code begin}, whose failures after output read as {@code midStream} says. */
        static <A extends Attempt> Attempts<A> of(Function<AbortSignal, A> begin,
                BiFunction<RuntimeException, A, ModelException> midStream) {
            Objects.requireNonNull(begin, "begin");
            Objects.requireNonNull(midStream, "midStream");
            return new Attempts<>() {
                @Override
                public A begin(AbortSignal abort) {
                    return begin.apply(abort);
                }

                @Override
                public ModelException midStream(RuntimeException failure, A attempt) {
                    return midStream.apply(failure, attempt);
                }
            };
        }
    }

    /** An open stream of one attempt: its events, and how to close it. */
    public interface EventStream<E> extends AutoCloseable {

        /** The events, read as they arrive; asked for once, after the stream opened. */
        Iterator<E> events();

        @Override
        void close();

        /**
         * A stream whose events {@code events} opens (asked once, after the stream opened) and that
         * {@code close} closes.
         */
        static <E> EventStream<E> of(Supplier<? extends Iterator<E>> events, Runnable close) {
            Objects.requireNonNull(events, "events");
            Objects.requireNonNull(close, "close");
            return new EventStream<>() {
                @Override
                public Iterator<E> events() {
                    return events.get();
                }

                @Override
                public void close() {
                    close.run();
                }
            };
        }
    }

    /** Handles one streamed event; throws to fail the call. */
    @FunctionalInterface
    public interface EventHandler<E> {
        void handle(E event);
    }

    private final RetryLoop retry;
    private final Attempts<A> attempts;

    public ModelCallRunner(RetryLoop retry, Attempts<A> attempts) {
        this.retry = Objects.requireNonNull(retry, "retry");
        this.attempts = Objects.requireNonNull(attempts, "attempts");
    }

    /**
     * A non-streamed call, retried as the loop's policy says.
     *
     * @param call makes one HTTP request linked to the given attempt, and returns its answer
     * @throws ModelException when the call fails for good or is cancelled
     */
    public <T> T invoke(AbortSignal abort, Function<A, T> call) {
        return retry.run(abort, n -> {
            try (A attempt = attempts.begin(abort)) {
                try {
                    return call.apply(attempt);
                } catch (RuntimeException e) {
                    throw attempt.aborted() ? ModelFailures.cancelled(e) : attempts.beforeOutput(e, attempt);
                }
            }
        }, () -> true);
    }

    /**
     * A streamed call. Retried only while nothing has been handed on; once an event has been, a failure ends the
     * call with {@link Attempts#midStream}. An abort ends the call as cancelled, and no event is handed on after
     * the attempt saw it.
     *
     * @param open opens one attempt's stream, its request linked to the given attempt
     * @param onStart called when an attempt's stream opens, before its first event: resets per-attempt state
     * @param onEnd called after the last event; may throw to report an incomplete answer
     * @throws ModelException when the call fails for good or is cancelled
     */
    public <E> void stream(AbortSignal abort, Function<A, ? extends EventStream<E>> open, EventHandler<E> handler,
            Runnable onStart, Runnable onEnd) {
        boolean[] delivered = {false};
        retry.run(abort, n -> {
            try (A attempt = attempts.begin(abort)) {
                try (EventStream<E> stream = open.apply(attempt)) {
                    onStart.run();
                    Iterator<E> events = stream.events();
                    while (events.hasNext()) {
                        E event = events.next();
                        if (attempt.aborted()) {
                            throw ModelFailures.cancelled();
                        }
                        delivered[0] = true;
                        handler.handle(event);
                    }
                    if (attempt.aborted()) {
                        throw ModelFailures.cancelled();
                    }
                    onEnd.run();
                    return null;
                } catch (ModelException e) {
                    throw e;
                } catch (RuntimeException e) {
                    if (attempt.aborted()) {
                        throw ModelFailures.cancelled(e);
                    }
                    throw delivered[0] ? attempts.midStream(e, attempt) : attempts.beforeOutput(e, attempt);
                }
            }
        }, () -> !delivered[0]);
    }
}
