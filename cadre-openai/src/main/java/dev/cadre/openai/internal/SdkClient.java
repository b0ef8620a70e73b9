package dev.cadre.openai.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.Timeout;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds the SDK client of one model instance. Not public API.
 *
 * <p>The SDK's own retries are off ({@code maxRetries(0)}): Cadre's {@code RetryLoop} retries instead, so
 * that a cancelled call never starts a new request. {@link AbortableCalls} is installed as an
 * OkHttp interceptor.
 */
public final class SdkClient {

    private SdkClient() {
    }

    public static OpenAIClient create(Settings s, AbortableCalls calls) {
        OpenAIOkHttpClient.Builder b = OpenAIOkHttpClient.builder()
                .apiKey(s.apiKey().orElse(SettingsBuilder.NO_KEY))
                .baseUrl(s.baseUrl())
                .maxRetries(0)
                .addInterceptor(calls);
        s.organization().ifPresent(b::organization);
        s.project().ifPresent(b::project);
        if (s.timeout().isPresent() || s.connectTimeout().isPresent()) {
            Timeout.Builder t = Timeout.builder();
            s.timeout().ifPresent(d -> t.request(d).read(d).write(d));
            s.connectTimeout().ifPresent(t::connect);
            b.timeout(t.build());
        }
        return b.build();
    }

    /** A JSON schema as the SDK's map of additional properties. */
    /**
     * An output schema as OpenAI is sent it: closed ({@code additionalProperties: false} everywhere) for strict mode
     * when it can be strict, else as written (strict mode would reject its optional fields).
     */
    public static JsonNode wireSchema(dev.cadre.model.OutputSchema schema) {
        return schema.strictCompatible() ? schema.closedSchema() : schema.schema();
    }

    public static Map<String, JsonValue> schema(JsonNode parameters) {
        Map<String, JsonValue> out = new LinkedHashMap<>();
        parameters.properties().forEach(e -> out.put(e.getKey(), JsonValue.fromJsonNode(e.getValue())));
        return out;
    }
}
