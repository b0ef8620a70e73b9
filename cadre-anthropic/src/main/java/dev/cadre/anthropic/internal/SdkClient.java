package dev.cadre.anthropic.internal;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.Timeout;
import java.util.concurrent.Executors;

/**
 * Builds the SDK client of one model instance. Not public API.
 *
 * <p>The SDK's own retries are off ({@code maxRetries(0)}): Cadre's {@code RetryLoop} retries instead, so that a
 * cancelled call never starts a new request. {@link AbortableCalls} is installed as an interceptor.
 */
public final class SdkClient {

    private SdkClient() {
    }

    public static AnthropicClient create(Settings s, AbortableCalls calls) {
        AnthropicOkHttpClient.Builder b = AnthropicOkHttpClient.builder()
                .apiKey(s.apiKey().orElseThrow())
                .baseUrl(s.baseUrl())
                .maxRetries(0)
                // A thread per call, from the factory that links it to its abort handle (see AbortableCalls). One
                // executor per client, as the SDK shuts it down when it closes the client.
                .dispatcherExecutorService(Executors.newThreadPerTaskExecutor(calls.threads()))
                // Completes the waiting call's future on the thread that received the headers, instead of a
                // hop through the SDK's own pool.
                .completionExecutor(Runnable::run)
                .addInterceptor(calls);
        if (s.timeout().isPresent() || s.connectTimeout().isPresent()) {
            Timeout.Builder t = Timeout.builder();
            s.timeout().ifPresent(d -> t.request(d).read(d).write(d));
            s.connectTimeout().ifPresent(t::connect);
            b.timeout(t.build());
        }
        return b.build();
    }
}
