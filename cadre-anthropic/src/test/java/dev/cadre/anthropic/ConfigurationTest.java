package dev.cadre.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the builder accepts, what it refuses with a message that names the problem, and its defaults. */
class ConfigurationTest {

    @Test
    void theKeyAndBaseUrlComeFromTheEnvironmentUnlessGiven() {
        Map<String, String> env = Map.of("ANTHROPIC_API_KEY", "sk-ant-env", "ANTHROPIC_BASE_URL", "http://proxy:8080/");

        AnthropicModel fromEnv = AnthropicModel.builder().id("claude-sonnet-4-5").environment(env::get).build();
        AnthropicModel given = AnthropicModel.builder().id("claude-sonnet-4-5").environment(env::get)
                .baseUrl("http://other:9090").build();
        AnthropicModel plain = AnthropicModel.builder().id("claude-sonnet-4-5").environment(name -> null).build();

        assertThat(fromEnv.baseUrl()).isEqualTo("http://proxy:8080");
        assertThat(given.baseUrl()).isEqualTo("http://other:9090");
        assertThat(plain.baseUrl()).isEqualTo("https://api.anthropic.com");
        assertThat(plain.provider()).isEqualTo("Anthropic");
        assertThat(plain.name()).isEqualTo("Claude");
        assertThat(plain.id()).isEqualTo("claude-sonnet-4-5");
    }

    @Test
    void contradictoryOrOutOfRangeOptionsAreRefusedWithWhatToChange() {
        assertThatThrownBy(() -> AnthropicModel.builder().build()).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("id");
        assertThatThrownBy(() -> AnthropicModel.builder().id(" ").build()).hasMessageContaining("blank");
        assertThatThrownBy(() -> AnthropicModel.builder().thinkingBudget(500))
                .hasMessageContaining("at least 1024");
        assertThatThrownBy(() -> AnthropicModel.builder().id("c").maxTokens(4_000).thinkingBudget(4_000).build())
                .hasMessageContaining("less than maxTokens").hasMessageContaining("raise maxTokens");
        assertThatThrownBy(() -> AnthropicModel.builder().id("c").maxTokens(8_000).thinkingBudget(2_000)
                .temperature(0.5).build()).hasMessageContaining("temperature").hasMessageContaining("thinking");
        assertThatThrownBy(() -> AnthropicModel.builder().temperature(1.5)).hasMessageContaining("between 0 and 1");
        assertThatThrownBy(() -> AnthropicModel.builder().timeout(Duration.ZERO)).hasMessageContaining("positive");
        assertThatThrownBy(() -> AnthropicModel.builder().maxRetries(-1)).hasMessageContaining(">= 0");
    }
}
