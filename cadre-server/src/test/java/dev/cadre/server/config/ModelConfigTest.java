package dev.cadre.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.anthropic.AnthropicModel;
import dev.cadre.gemini.GeminiModel;
import dev.cadre.openai.OpenAIChat;
import dev.cadre.openai.OpenAIResponses;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A model entry built on its own, as configurations read from elsewhere (Spring Boot's properties) build theirs. */
class ModelConfigTest {

    private static CadreConfig.ModelConfig entry(String provider) {
        return new CadreConfig.ModelConfig("default", provider, "some-model", Optional.of("http://127.0.0.1:1/v1"),
                Optional.of("sk-test"));
    }

    @Test
    void each_provider_builds_its_model() {
        assertThat(entry("openai-responses").build()).isInstanceOf(OpenAIResponses.class);
        assertThat(entry("openai-chat").build()).isInstanceOf(OpenAIChat.class);
        assertThat(entry("anthropic").build()).isInstanceOf(AnthropicModel.class);
        assertThat(entry("gemini").build()).isInstanceOf(GeminiModel.class);
    }

    @Test
    void an_unknown_provider_is_refused_with_the_known_ones() {
        assertThatThrownBy(() -> entry("openai-foo").build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'openai-foo' is not one of openai-responses, openai-chat, anthropic, gemini");
    }
}
