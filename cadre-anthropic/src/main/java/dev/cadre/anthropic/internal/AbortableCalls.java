package dev.cadre.anthropic.internal;

import com.anthropic.core.RequestOptions;
import com.anthropic.core.http.HttpClient;
import com.anthropic.core.http.HttpRequest;
import com.anthropic.core.http.HttpResponse;
import com.anthropic.core.http.Interceptor;
import com.anthropic.errors.AnthropicIoException;
import dev.cadre.model.AbortSignal;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;

/**
 * Connects a Cadre {@link AbortSignal} to the HTTP exchange the SDK makes for it, so that an abort closes
 * the connection at once, whether the call is connecting, waiting for the response headers, or reading a
 * stream. Not public API.
 *
 * <p>The SDK hands out no OkHttp {@code Call}, and its interceptors see only its own HTTP abstraction. So
 * each request carries a private header naming its {@link InFlight}; this interceptor strips the header and
 * runs the request through the SDK's asynchronous path, whose OkHttp dispatcher runs every call on a virtual
 * thread of {@link #threads()}, while the calling thread waits for the response headers:
 * <ul>
 *   <li>Until the headers arrive, the call's I/O happens on that virtual thread, which the factory links to the
 *       {@code InFlight} (OkHttp starts it on the thread that enqueues the call). An abort interrupts it, and
 *       the JDK closes the socket of a virtual thread interrupted in a blocking socket operation.</li>
 *   <li>Then the calling thread reads the body. An abort closes the response, and the SDK's OkHttp client
 *       cancels the call when its body is closed while another thread reads it: the socket closes at once.</li>
 * </ul>
 */
public final class AbortableCalls implements Interceptor {

    static final String HEADER = "X-Cadre-Call-Handle";

    private final Map<String, InFlight> inFlight = new ConcurrentHashMap<>();
    /** The attempt whose call the current thread is enqueueing, so that the factory links its thread to it. */
    private final ThreadLocal<InFlight> enqueuing = new ThreadLocal<>();
    private final ThreadFactory virtualThreads = Thread.ofVirtual().name("cadre-anthropic-http-", 0).factory();

    /**
     * The thread factory for the SDK's OkHttp dispatcher: virtual threads (a call waiting for its headers holds
     * no platform thread), each linked to the attempt whose call it runs.
     */
    public ThreadFactory threads() {
        return task -> {
            Thread t = virtualThreads.newThread(task);
            InFlight f = enqueuing.get();
            if (f != null) {
                f.ioThread = t;
            }
            return t;
        };
    }

    /** Starts tracking one HTTP attempt for {@code signal}. Close the result when the attempt is over. */
    public InFlight begin(AbortSignal signal) {
        InFlight f = new InFlight(UUID.randomUUID().toString());
        inFlight.put(f.key, f);
        f.registration = signal.onAbort(f::abort);
        return f;
    }

    @Override
    public HttpClient intercept(HttpClient next) {
        return new HttpClient() {
            @Override
            public HttpResponse execute(HttpRequest request, RequestOptions options) {
                List<String> keys = request.headers().values(HEADER);
                InFlight f = keys.isEmpty() ? null : inFlight.get(keys.get(0));
                HttpRequest clean = keys.isEmpty() ? request : request.toBuilder().removeHeaders(HEADER).build();
                return f == null ? next.execute(clean, options) : f.execute(next, clean, options);
            }

            @Override
            public CompletableFuture<HttpResponse> executeAsync(HttpRequest request, RequestOptions options) {
                return next.executeAsync(request.toBuilder().removeHeaders(HEADER).build(), options);
            }

            @Override
            public void close() {
                next.close();
            }
        };
    }

    /** One HTTP attempt that an abort can cancel. */
    public final class InFlight implements AutoCloseable {
        private final String key;
        private volatile Thread ioThread;
        private volatile CompletableFuture<HttpResponse> pending;
        private volatile HttpResponse response;
        private volatile boolean aborted;
        private volatile AbortSignal.Registration registration;

        private InFlight(String key) {
            this.key = key;
        }

        /** The name of the private request header that links the request to this attempt. */
        public String header() {
            return HEADER;
        }

        public String key() {
            return key;
        }

        public boolean aborted() {
            return aborted;
        }

        private HttpResponse execute(HttpClient next, HttpRequest request, RequestOptions options) {
            CompletableFuture<HttpResponse> future;
            enqueuing.set(this);
            try {
                future = next.executeAsync(request, options);
            } finally {
                enqueuing.remove();
            }
            pending = future;
            // Every field is volatile and written before it is read on each side, so either abort() sees
            // the thread, future or response, or this thread sees the flag: the exchange is always cut.
            if (aborted) {
                Thread io = ioThread;
                if (io != null) {
                    io.interrupt();
                }
                future.cancel(true);
            }
            HttpResponse r;
            try {
                r = future.get();
            } catch (CancellationException e) {
                throw new AnthropicIoException("The request was cancelled.", e);
            } catch (InterruptedException e) {
                future.cancel(true);
                Thread.currentThread().interrupt();
                throw new AnthropicIoException("Interrupted while waiting for the response.", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw new AnthropicIoException("The request failed.", e.getCause());
            }
            response = r;
            if (aborted) {
                r.close();
            }
            return r;
        }

        private void abort() {
            aborted = true;
            Thread io = ioThread;
            if (io != null) {
                // Interrupting a virtual thread blocked on a socket closes the socket.
                io.interrupt();
            }
            CompletableFuture<HttpResponse> p = pending;
            if (p != null) {
                // Ends the calling thread's wait for the headers.
                p.cancel(true);
            }
            HttpResponse r = response;
            if (r != null) {
                // Closing the body while the stream reads it cancels the call as well.
                r.close();
            }
        }

        @Override
        public void close() {
            inFlight.remove(key);
            AbortSignal.Registration r = registration;
            if (r != null) {
                r.close();
            }
        }
    }
}
