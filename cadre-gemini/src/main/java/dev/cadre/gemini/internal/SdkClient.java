package dev.cadre.gemini.internal;

import com.google.genai.Client;
import com.google.genai.types.ClientOptions;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import java.time.Duration;
import okhttp3.OkHttpClient;

/**
 * Builds the SDK client of one model instance. Not public API.
 *
 * <p>The SDK gets an OkHttp client made here ({@code ClientOptions.customHttpClient}) whose first interceptor is
 * {@link AbortableCalls}; the SDK adds its own interceptors after it. Its {@code RetryInterceptor} is held to
 * one attempt: Cadre's {@code RetryLoop} retries instead, so that a cancelled call never starts a new request. Read and
 * write timeouts are off (a thinking model may be silent for long); {@code timeout} bounds the whole call.
 */
public final class SdkClient {

    private SdkClient() {
    }

    public static Client create(Settings s, String apiKey, AbortableCalls calls) {
        OkHttpClient.Builder http = new OkHttpClient.Builder()
                .addInterceptor(calls)
                .connectTimeout(s.connectTimeout())
                .readTimeout(Duration.ZERO)
                .writeTimeout(Duration.ZERO);
        s.timeout().ifPresent(http::callTimeout);
        HttpOptions.Builder options = HttpOptions.builder()
                .baseUrl(s.baseUrl())
                // v1beta has everything Cadre uses (thinking, responseJsonSchema); say so rather than rely on
                // the SDK's default, which differs between its versions and its clients.
                .apiVersion("v1beta")
                .retryOptions(HttpRetryOptions.builder().attempts(1).build());
        return Client.builder()
                .apiKey(apiKey)
                .vertexAI(false)
                .httpOptions(options.build())
                .clientOptions(ClientOptions.builder().customHttpClient(http.build()).build())
                .build();
    }
}
