package dev.cadre.testkit;

import dev.cadre.model.ModelException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A model call run on a virtual thread of its own, as the engine runs it, so that the test's thread is free to
 * abort it (with a {@link TestAbortSignal}) and then check how it ended.
 *
 * <p>Thread-safe. The call starts at once; {@link #failure(Duration)} may be asked from any thread.
 */
public final class BackgroundCall {

    private final CompletableFuture<Void> done = new CompletableFuture<>();

    private BackgroundCall() {
    }

    /** Starts {@code call} on a new virtual thread. */
    public static BackgroundCall start(Runnable call) {
        Objects.requireNonNull(call, "call");
        BackgroundCall background = new BackgroundCall();
        Thread.ofVirtual().name("background-model-call").start(() -> {
            try {
                call.run();
                background.done.complete(null);
            } catch (Throwable t) {
                background.done.completeExceptionally(t);
            }
        });
        return background;
    }

    /**
     * Waits for the call to fail and returns the {@link ModelException} it failed with.
     *
     * @param timeout how long the call may take to end; a bound for a busy machine, not a measurement
     * @throws AssertionError when the call succeeded, failed with anything but a {@code ModelException}, or had
     *     not ended within {@code timeout}
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public ModelException failure(Duration timeout) throws InterruptedException {
        try {
            done.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ModelException m) {
                return m;
            }
            throw new AssertionError("the call was expected to fail with a ModelException, not " + e.getCause(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("the call had not ended after " + timeout, e);
        }
        throw new AssertionError("the call was expected to fail, but it succeeded");
    }
}
