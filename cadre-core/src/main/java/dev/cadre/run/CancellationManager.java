package dev.cadre.run;

import java.util.function.Consumer;

/**
 * Carries cancel requests between processes that share a store: a process asked to cancel a run
 * it does not own publishes the request; the owner receives it and cancels the run.
 *
 * <p>The default, {@link #local()}, delivers only within this process. Implementations over
 * PostgreSQL {@code LISTEN/NOTIFY} or Redis pub/sub plug in here.
 */
public interface CancellationManager extends AutoCloseable {

    /** Sends a cancel request for {@code runId} to every process, this one included. */
    void publish(String runId);

    /**
     * Registers the handler this process uses to cancel runs it owns when a request arrives; closing the returned
     * subscription removes it (a run manager that shut down hears no more cancels).
     */
    Subscription subscribe(Consumer<String> handler);

    /** A registered handler; {@link #close} removes it. Idempotent. */
    @FunctionalInterface
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    @Override
    default void close() {
    }

    /** Delivers cancel requests within this process only. */
    static CancellationManager local() {
        return new CancellationManager() {
            private final java.util.List<Consumer<String>> handlers = new java.util.concurrent.CopyOnWriteArrayList<>();

            @Override
            public void publish(String runId) {
                handlers.forEach(h -> h.accept(runId));
            }

            @Override
            public Subscription subscribe(Consumer<String> handler) {
                handlers.add(handler);
                return () -> handlers.remove(handler);
            }
        };
    }
}
