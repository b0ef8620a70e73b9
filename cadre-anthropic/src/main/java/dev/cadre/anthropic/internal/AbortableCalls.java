package dev.cadre.anthropic.internal;

import com.anthropic.core.RequestOptions;
import com.anthropic.core.http.HttpClient;
import com.anthropic.core.http.HttpRequest;
import com.anthropic.core.http.HttpResponse;
import com.anthropic.core.http.Interceptor;
import com.anthropic.errors.AnthropicIoException;
import dev.cadre.model.AbortSignal;
import dev.cadre.model.support.ModelCallRunner;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
    public final class InFlight implements ModelCallRunner.Attempt {
        private final String key;
        /** Completes on abort: ends the calling thread's wait for the headers. */
        private final CompletableFuture<Void> abortedSignal = new CompletableFuture<>();
        private volatile Thread ioThread;
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

        @Override
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
            // The future is never cancelled (that would not reach the call through the SDK's layers, and would
            // lose a response arriving just then): a response is always kept here, so that an abort, before
            // or after it came, closes it. Every field is volatile and written before it is read on each side,
            // so either abort() sees the thread or response, or this side sees the flag.
            future.whenComplete((r, failure) -> {
                if (r != null) {
                    response = r;
                    if (aborted) {
                        closeLater(r);
                    }
                }
            });
            if (aborted) {
                interruptIo();
            }
            try {
                CompletableFuture.anyOf(future, abortedSignal).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                abort();
                throw new AnthropicIoException("Interrupted while waiting for the response.", e);
            } catch (ExecutionException e) {
                // The call failed; join() below rethrows its cause.
            }
            if (aborted) {
                throw new AnthropicIoException("The request was cancelled.");
            }
            try {
                return future.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw new AnthropicIoException("The request failed.", e.getCause());
            }
        }

        private void abort() {
            aborted = true;
            interruptIo();
            abortedSignal.complete(null);
            HttpResponse r = response;
            if (r != null) {
                closeLater(r);
            }
        }

        /** Interrupting a virtual thread blocked on a socket closes the socket: the call waiting for headers ends. */
        private void interruptIo() {
            Thread io = ioThread;
            if (io != null) {
                io.interrupt();
            }
        }

        /**
         * Closes the response on a thread of its own, as abort actions must not block: closing a body that a
         * stream is reading cancels the call at once, but closing one that nobody reads first drains it for a
         * moment.
         */
        private void closeLater(HttpResponse r) {
            Thread.startVirtualThread(r::close);
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
