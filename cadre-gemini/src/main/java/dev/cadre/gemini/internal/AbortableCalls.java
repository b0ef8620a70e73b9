package dev.cadre.gemini.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cadre.model.AbortSignal;
import dev.cadre.model.support.ModelCallRunner;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.Call;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Connects a Cadre {@link AbortSignal} to the OkHttp {@link Call} the Gen AI SDK makes for it, and keeps what
 * an error response says about retrying. Installed as the first interceptor of the OkHttp client Cadre hands
 * the SDK ({@code ClientOptions.customHttpClient}). Not public API.
 *
 * <p>Why: the SDK offers no way to cancel a call — {@code generateContent} blocks, and closing a
 * {@code ResponseStream} from another thread races the reading thread. So each request carries a private
 * header (set through the request's {@code HttpOptions}) naming its {@link InFlight}; this interceptor strips
 * it before anything is sent, finds the call, and attaches it. An abort then runs {@link Call#cancel()}, which
 * closes the socket at once — while connecting, while waiting for a body, or in the middle of a stream — and
 * makes the blocked read fail.
 *
 * <p>Why it reads error bodies: the SDK's {@code ApiException} keeps only the code, status and message, not
 * the {@code Retry-After} header nor the {@code RetryInfo} / {@code ErrorInfo} details. The interceptor peeks
 * at them (without consuming the body the SDK reads next).
 */
public final class AbortableCalls implements Interceptor {

    static final String HEADER = "X-Cadre-Call-Handle";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long PEEK_BYTES = 64 * 1024;

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
        Response response = chain.proceed(request.newBuilder().removeHeader(HEADER).build());
        if (f != null && !response.isSuccessful()) {
            f.hints = ErrorHints.read(response.header("retry-after"), response.peekBody(PEEK_BYTES).string());
        }
        return response;
    }

    /**
     * What an error response says beyond its message.
     *
     * @param retryDelay the wait the server asked for: {@code RetryInfo.retryDelay}, else {@code Retry-After}
     * @param reason the {@code ErrorInfo} reason, for example {@code API_KEY_INVALID}
     */
    public record ErrorHints(Optional<Duration> retryDelay, Optional<String> reason) {
        static final ErrorHints NONE = new ErrorHints(Optional.empty(), Optional.empty());

        static ErrorHints read(String retryAfter, String body) {
            Optional<Duration> delay = Optional.empty();
            Optional<String> reason = Optional.empty();
            try {
                for (JsonNode detail : JSON.readTree(body).path("error").path("details")) {
                    String type = detail.path("@type").asText();
                    if (type.endsWith("google.rpc.RetryInfo")) {
                        delay = Retries.parseProtoDuration(detail.path("retryDelay").asText());
                    } else if (type.endsWith("google.rpc.ErrorInfo") && detail.hasNonNull("reason")) {
                        reason = Optional.of(detail.get("reason").asText());
                    }
                }
            } catch (IOException | RuntimeException notJson) {
                // An error body that is not Google's JSON has no details.
            }
            if (delay.isEmpty()) {
                delay = Retries.parseRetryAfter(retryAfter);
            }
            return new ErrorHints(delay, reason);
        }
    }

    /** One HTTP attempt that an abort can cancel. */
    public final class InFlight implements ModelCallRunner.Attempt {
        private final String key;
        private volatile Call call;
        private volatile boolean aborted;
        private volatile AbortSignal.Registration registration;
        private volatile ErrorHints hints = ErrorHints.NONE;

        private InFlight(String key) {
            this.key = key;
        }

        /** The request headers that link a request to this attempt. */
        public Map<String, String> headers() {
            return Map.of(HEADER, key);
        }

        @Override
        public boolean aborted() {
            return aborted;
        }

        /** What the last error response of this attempt said about retrying; empty hints before any. */
        public ErrorHints hints() {
            return hints;
        }

        private void abort() {
            // Both fields are volatile and written before read on each side, so either abort() sees the call
            // or attach() sees the flag: the call is always cancelled.
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
