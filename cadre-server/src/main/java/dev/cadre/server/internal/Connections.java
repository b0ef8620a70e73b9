package dev.cadre.server.internal;

import io.javalin.http.Context;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.EndPoint;

/**
 * The idle timeout of a request's connection. The server's connectors use a short one, so that a client
 * that sends its request (or its body) ever so slowly is dropped; once a request has fully arrived, its
 * handler may take long without a byte on the wire (a team run answered with {@code stream=false} may
 * think for minutes), so the connection gets a long timeout for as long as the handler runs.
 *
 * <p>A body is also read against a deadline: one that trickles in a byte now and then, each within the idle
 * timeout, is dropped all the same once the deadline has passed.
 */
final class Connections {

    /** How long a handler may keep a connection without I/O once its request has arrived. */
    static final Duration HANDLING = Duration.ofMinutes(10);

    private Connections() {
    }

    /**
     * Marks the request as fully arrived: its connection may stay silent for {@link #HANDLING} until
     * {@link #handled} puts the short timeout back.
     */
    static void arrived(Context ctx) {
        endPoint(ctx).setIdleTimeout(HANDLING.toMillis());
    }

    /**
     * Gives a streamed answer's connection {@code limit} as its idle timeout: the stream writes at least every
     * heartbeat, so only a write that makes no progress for that long — a client that stopped reading — hits it,
     * and then fails.
     */
    static void streaming(Context ctx, Duration limit) {
        endPoint(ctx).setIdleTimeout(limit.toMillis());
    }

    /** Puts the short timeout back on a connection that may carry the client's next request. */
    static void handled(Context ctx, Duration requestTimeout) {
        EndPoint e = endPoint(ctx);
        if (e.getIdleTimeout() != requestTimeout.toMillis()) {
            e.setIdleTimeout(requestTimeout.toMillis());
        }
    }

    /** A deadline for reading a request's body; closing it (once the body is read) cancels it. */
    interface Deadline extends AutoCloseable {
        @Override
        void close();
    }

    /** Closes the connection if {@code body} has not been read within {@code timeout}, so the blocked read fails. */
    static Deadline bodyDeadline(Context ctx, Duration timeout) {
        EndPoint endPoint = endPoint(ctx);
        AtomicBoolean read = new AtomicBoolean();
        CompletableFuture.runAsync(() -> {
            if (!read.get()) {
                endPoint.close(new TimeoutException("The request body did not arrive within " + timeout));
            }
        }, CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS, Runnable::run));
        return () -> read.set(true);
    }

    private static EndPoint endPoint(Context ctx) {
        return ServletContextRequest.getServletContextRequest(ctx.req()).getConnectionMetaData().getConnection()
                .getEndPoint();
    }
}
