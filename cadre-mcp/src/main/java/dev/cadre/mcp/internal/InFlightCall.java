package dev.cadre.mcp.internal;

import java.util.Optional;
import java.util.function.Consumer;

/**
 * One {@code tools/call} on its way: learns the JSON-RPC id the SDK gave the request once the request is sent
 * (see {@link TrackingTransport}), so that a cancel can name it in {@code notifications/cancelled}. Thread-safe:
 * the id arrives on an SDK thread, the cancel on the thread that cancels the run.
 */
final class InFlightCall {

    private Object requestId;
    private Consumer<Object> whenSent;
    private boolean cancelled;

    /** Marks the call cancelled; true the first time only. */
    synchronized boolean cancel() {
        boolean first = !cancelled;
        cancelled = true;
        return first;
    }

    /** Called by the transport with the id of the request it sends on this call's behalf (the first only). */
    void sent(Object id) {
        Consumer<Object> action;
        synchronized (this) {
            if (requestId != null) {
                return;
            }
            requestId = id;
            action = whenSent;
            whenSent = null;
        }
        if (action != null) {
            action.accept(id);
        }
    }

    /** Runs {@code action} with the request id: now if it was sent, else when it is. Only the last action counts. */
    void whenSent(Consumer<Object> action) {
        Object id;
        synchronized (this) {
            id = requestId;
            if (id == null) {
                whenSent = action;
                return;
            }
        }
        action.accept(id);
    }

    synchronized Optional<Object> requestId() {
        return Optional.ofNullable(requestId);
    }
}
