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

/**
 * Connects a Cadre {@link AbortSignal} to the HTTP exchange the SDK makes for it, so that an abort closes
 * the connection at once, whether the call is connecting, waiting for the response headers, or reading a
 * stream. Not public API.
 *
 * <p>The SDK hands out no OkHttp {@code Call}, and its interceptors see only its own HTTP abstraction. Two
 * things of the SDK's OkHttp client do reach the call, though: cancelling the future of an asynchronous
 * execution cancels its call, and closing a response body while another thread reads it cancels its call
 * too. So each request carries a private header naming its {@link InFlight}; this interceptor strips the
 * header, runs the request through the asynchronous path while the calling thread waits for its headers
 * (the abort cancels that future), then hands the response to the {@code InFlight} (the abort closes it).
 */
public final class AbortableCalls implements Interceptor {

    static final String HEADER = "X-Cadre-Call-Handle";

    private final Map<String, InFlight> inFlight = new ConcurrentHashMap<>();

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
            CompletableFuture<HttpResponse> future = next.executeAsync(request, options);
            pending = future;
            // Every field is volatile and written before it is read on each side, so either abort() sees
            // the future (or response) or this thread sees the flag: the exchange is always cut.
            if (aborted) {
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
            CompletableFuture<HttpResponse> p = pending;
            if (p != null) {
                // Cancelling the future cancels the OkHttp call: the socket closes at once.
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
