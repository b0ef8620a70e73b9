package dev.cadre.model;

/**
 * Tells a {@link Model} call that the run it belongs to was cancelled.
 *
 * <p>Thread-safe. Abort actions run at most once each, on the thread that cancels the run (or at
 * once on the registering thread when the signal is already aborted), so they must be quick and
 * must not block: close a stream, cancel a call.
 */
public interface AbortSignal {

    /** Whether the call should stop. */
    boolean isAborted();

    /**
     * Registers {@code action} to run when the signal is aborted; runs it at once if it already is.
     * Close the returned registration when the call ends so that the action is not kept alive.
     */
    Registration onAbort(Runnable action);

    /** A registered abort action. Closing it removes the action; closing twice is harmless. */
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    /** A signal that is never aborted, for calls made outside any run. */
    static AbortSignal never() {
        return NeverAborted.INSTANCE;
    }
}

enum NeverAborted implements AbortSignal {
    INSTANCE;

    @Override
    public boolean isAborted() {
        return false;
    }

    @Override
    public Registration onAbort(Runnable action) {
        return () -> { };
    }
}
