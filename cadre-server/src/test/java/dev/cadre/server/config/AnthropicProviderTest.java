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
    void anAnthropicModelIsReadWithItsKeyFromTheConfigsEnvironmentUnlessTheFileNamesOne() {
        String yaml = YAML.replace("BASE_URL", "https://api.anthropic.com");

        CadreConfig.ModelConfig model = CadreConfig.parse(yaml, "cadre.yaml", Map.of()).models().get("claude");
        assertThat(model.provider()).isEqualTo("anthropic");
        assertThat(model.id()).isEqualTo("claude-sonnet-4-5");
        assertThat(model.apiKey()).isEmpty();
        assertThat(CadreConfig.parse(yaml, "cadre.yaml", Map.of("ANTHROPIC_API_KEY", "sk-ant-1")).models()
                .get("claude").apiKey()).contains("sk-ant-1");
        assertThat(CadreConfig.parse(yaml.replace("base_url:", "api_key: ${MY_KEY}, base_url:"), "cadre.yaml",
                Map.of("MY_KEY", "mine", "ANTHROPIC_API_KEY", "sk-ant-1")).models().get("claude").apiKey())
                .contains("mine");
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
