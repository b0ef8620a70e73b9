package dev.cadre.cli.internal;

import com.openai.core.ObjectMappers;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import java.security.KeyStore;
import java.util.Collection;
import javax.net.ssl.TrustManagerFactory;

/**
 * Readies the model SDKs (OpenAI's, Anthropic's) on a thread of its own while the command opens its database,
 * so that the first model request does not wait for it. Not public API.
 *
 * <p>Before its first request the SDK builds the JSON (de)serialisers of its request and response types,
 * through Kotlin reflection: at a cold start that is the largest single cost between launch and the first
 * request, larger than opening and migrating a SQLite database. Nothing here is needed for correctness: the
 * work is the same the first request would do, done earlier and in parallel; any failure is ignored and
 * the request then does it itself.
 */
public final class SdkWarmUp {

    private SdkWarmUp() {
    }

    /**
     * Starts the warm-up for these providers ({@code openai-chat}, {@code openai-responses}, {@code anthropic})
     * on a daemon thread and returns at once. {@code tls}: also load the trusted certificates (some model is reached over
     * HTTPS), as the HTTP client does before its first TLS connection.
     */
    public static void start(Collection<String> providers, boolean tls) {
        Thread.ofPlatform().daemon().name("cadre-warm-up").start(() -> {
            try {
                var json = ObjectMappers.jsonMapper();
                if (providers.contains("openai-chat")) {
                    json.writeValueAsString(ChatCompletionCreateParams.builder().model("gpt-4o")
                            .addUserMessage("warm-up").build()._body());
                    json.readValue("{\"id\":\"warm-up\",\"choices\":[]}", ChatCompletion.class);
                }
                if (providers.contains("openai-responses")) {
                    json.writeValueAsString(ResponseCreateParams.builder().model("gpt-4o").input("warm-up").build()._body());
                    json.readValue("{\"id\":\"warm-up\",\"output\":[]}", Response.class);
                }
                if (providers.contains("anthropic")) {
                    var anthropic = com.anthropic.core.ObjectMappers.jsonMapper();
                    anthropic.writeValueAsString(com.anthropic.models.messages.MessageCreateParams.builder()
                            .model("claude").maxTokens(1).addUserMessage("warm-up").build()._body());
                    anthropic.readValue("{\"id\":\"warm-up\",\"content\":[]}",
                            com.anthropic.models.messages.Message.class);
                }
                if (tls) {
                    TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm()).init((KeyStore) null);
                }
            } catch (Exception | LinkageError e) {
                // Only lost time: the first request does this work itself.
            }
        });
    }
}
