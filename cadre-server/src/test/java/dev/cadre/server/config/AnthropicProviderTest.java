package dev.cadre.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.Agent;
import dev.cadre.anthropic.AnthropicModel;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.testkit.FakeAnthropicServer;
import dev.cadre.testkit.Reply;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code provider: anthropic} in a config: Claude over the Messages API. */
class AnthropicProviderTest {

    private static final String YAML = """
            db: memory
            models:
              claude: {provider: anthropic, id: claude-sonnet-4-5, base_url: BASE_URL}
            agents:
              - {id: helper, name: Helper, model: claude, role: Answer briefly.}
            """;

    @Test
    void anAnthropicModelIsReadWithItsKeyLeftToTheEnvironment() {
        CadreConfig c = CadreConfig.parse(YAML.replace("BASE_URL", "https://api.anthropic.com"), "cadre.yaml",
                Map.of());

        CadreConfig.ModelConfig model = c.models().get("claude");
        assertThat(model.provider()).isEqualTo("anthropic");
        assertThat(model.id()).isEqualTo("claude-sonnet-4-5");
        assertThat(model.apiKey()).as("AnthropicModel reads ANTHROPIC_API_KEY itself").isEmpty();
    }

    @Test
    void aConfiguredAgentOnAnthropicAnswersThroughTheMessagesApi() {
        try (FakeAnthropicServer anthropic = FakeAnthropicServer.builder().requireApiKey("sk-ant-env").start()) {
            anthropic.enqueue(Reply.text("Configured Claude here."));
            CadreConfig c = CadreConfig.parse(YAML.replace("BASE_URL", anthropic.baseUrl())
                    .replace("base_url:", "api_key: ${ANTHROPIC_API_KEY}, base_url:"), "cadre.yaml",
                    Map.of("ANTHROPIC_API_KEY", "sk-ant-env"));

            try (CadreConfig.Components components = c.build()) {
                Agent agent = (Agent) components.find("helper").orElseThrow();
                assertThat(agent.model()).hasValueSatisfying(m -> {
                    assertThat(m).isInstanceOf(AnthropicModel.class);
                    assertThat(m.id()).isEqualTo("claude-sonnet-4-5");
                });

                RunResult out = agent.run("Who are you?");

                assertThat(out.status()).isEqualTo(RunStatus.COMPLETED);
                assertThat(out.content()).isEqualTo("Configured Claude here.");
                assertThat(anthropic.takeRequest(Duration.ofSeconds(10)).systemPrompt()).contains("Answer briefly.");
            }
        }
    }
}
