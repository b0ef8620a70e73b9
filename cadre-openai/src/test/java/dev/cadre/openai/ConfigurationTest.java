package dev.cadre.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.model.AbortSignal;
import dev.cadre.testkit.FakeOpenAIServer;
import dev.cadre.testkit.Reply;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConfigurationTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private final FakeOpenAIServer server = FakeOpenAIServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void namesTheProviderAndTheModelClass() {
        OpenAIResponses responses = OpenAIResponses.builder().id("gpt-5.2-mini").environment(n -> null).build();
        OpenAIChat chat = OpenAIChat.builder().id("gpt-4o").environment(n -> null).build();

        assertThat(responses.id()).isEqualTo("gpt-5.2-mini");
        assertThat(responses.provider()).isEqualTo("OpenAI");
        assertThat(responses.name()).isEqualTo("OpenAIResponses");
        assertThat(chat.name()).isEqualTo("OpenAIChat");
        assertThat(chat.baseUrl()).isEqualTo("https://api.openai.com/v1");
    }

    @Test
    void takesTheKeyAndBaseUrlFromTheEnvironment() {
        server.enqueue(Reply.text("ok"));
        Map<String, String> env = Map.of("OPENAI_API_KEY", "sk-from-env", "OPENAI_BASE_URL", server.baseUrl() + "/");
        OpenAIChat model = OpenAIChat.builder().id("gpt-4o").environment(env::get).build();

        model.invoke(Requests.question("Hi"), AbortSignal.never());

        assertThat(model.baseUrl()).isEqualTo(server.baseUrl());
        assertThat(server.takeRequest(WAIT).header("Authorization")).hasValue("Bearer sk-from-env");
    }

    @Test
    void explicitSettingsWinOverTheEnvironment() {
        Map<String, String> env = Map.of("OPENAI_API_KEY", "sk-env", "OPENAI_BASE_URL", "http://elsewhere/v1");
        server.enqueue(Reply.text("ok"));
        OpenAIResponses model = OpenAIResponses.builder().id("m").apiKey("sk-explicit").baseUrl(server.baseUrl())
                .environment(env::get).build();

        model.invoke(Requests.question("Hi"), AbortSignal.never());

        assertThat(server.takeRequest(WAIT).header("Authorization")).hasValue("Bearer sk-explicit");
    }

    @Test
    void aLocalServerNeedsNoKey() {
        server.enqueue(Reply.text("Hello from a local model"));
        OpenAIChat ollamaLike = OpenAIChat.builder().id("llama3.2").baseUrl(server.baseUrl())
                .environment(n -> null).build();

        assertThat(ollamaLike.invoke(Requests.question("Hi"), AbortSignal.never()).content())
                .isEqualTo("Hello from a local model");
        assertThat(server.takeRequest(WAIT).header("Authorization")).hasValue("Bearer no-key");
    }

    @Test
    void rejectsImpossibleSettingsWhenBuilding() {
        assertThatThrownBy(() -> OpenAIChat.builder().build()).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("id");
        assertThatThrownBy(() -> OpenAIChat.builder().maxRetries(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OpenAIResponses.builder().timeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
