package dev.cadre.openai.internal;

import dev.cadre.model.AbortSignal;
import dev.cadre.model.support.ModelCallRunner;
import java.io.IOException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.Call;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Connects a Cadre {@link AbortSignal} to the OkHttp {@link Call} the SDK makes for it, so that an
 * abort cancels the call: OkHttp then closes the socket at once, whether the call is connecting,
 * waiting for the response headers of a non-streamed request, or in the middle of reading a
 * stream. Not public API.
 *
 * <p>Why an interceptor: the SDK neither hands out the call nor passes cancellation of its futures
 * down to it. So each request carries a private header naming its {@link InFlight}; this
 * interceptor (installed on the SDK's OkHttp client) strips the header before anything is sent,
 * finds the call, and attaches it.
 *
 * <p>Why cancel the call rather than only close the SDK's stream: closing a half-read chunked body
 * makes OkHttp try to drain it first (up to 100 ms, racing the reading thread), and the SDK's
 * reader close waits for the reading thread's lock. {@link Call#cancel()} closes the socket
 * immediately from any thread and makes the blocked read fail; the calling thread then closes the
 * stream itself.
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
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        String key = request.header(HEADER);
        if (key == null) {
            return chain.proceed(request);
        }
        InFlight f = inFlight.get(key);
        if (f != null) {
            f.attach(chain.call());
        }
        return chain.proceed(request.newBuilder().removeHeader(HEADER).build());
    }

    /** One HTTP attempt that an abort can cancel. */
    public final class InFlight implements ModelCallRunner.Attempt {
        private final String key;
        private volatile Call call;
        private volatile boolean aborted;
        private volatile AbortSignal.Registration registration;

        private InFlight(String key) {
            this.key = key;
        }

        /** The value of the private request header that links the request to this attempt. */
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

        private void abort() {
            // Both fields are volatile and written before read on each side, so either abort()
            // sees the call or attach() sees the flag: the call is always cancelled.
            aborted = true;
            Call c = call;
            if (c != null) {
                c.cancel();
            }
        }

        private void attach(Call c) {
            call = c;
            if (aborted) {
                c.cancel();
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
