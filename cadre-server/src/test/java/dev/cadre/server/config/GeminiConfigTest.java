package dev.cadre.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.Agent;
import dev.cadre.gemini.GeminiModel;
import dev.cadre.run.RunOutput;
import dev.cadre.run.RunStatus;
import dev.cadre.testkit.FakeGeminiServer;
import dev.cadre.testkit.Reply;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code provider: gemini} in a config: the key's defaults, and a configured agent answering from Gemini. */
class GeminiConfigTest {

    private static final String GEMINI = """
            db: memory
            models:
              default: {provider: gemini, id: gemini-2.5-flash}
            agents: [{id: a, name: Assistant}]
            """;

    private static CadreConfig.ModelConfig model(String yaml, Map<String, String> env) {
        return CadreConfig.parse(yaml, "cadre.yaml", env).models().get("default");
    }

    @Test
    void theKeyComesFromGeminiApiKeyThenGoogleApiKeyUnlessTheFileNamesOne() {
        assertThat(model(GEMINI, Map.of("GEMINI_API_KEY", "g1", "GOOGLE_API_KEY", "g2")).apiKey()).contains("g1");
        assertThat(model(GEMINI, Map.of("GOOGLE_API_KEY", "g2")).apiKey()).contains("g2");
        assertThat(model(GEMINI, Map.of()).apiKey()).isEmpty();
        assertThat(model(GEMINI.replace("gemini-2.5-flash}", "gemini-2.5-flash, api_key: ${MY_KEY}}"),
                Map.of("MY_KEY", "mine", "GEMINI_API_KEY", "g1")).apiKey()).contains("mine");
        assertThat(model(GEMINI, Map.of()).provider()).isEqualTo("gemini");
    }

    @Test
    void aConfiguredAgentOnGeminiAnswersFromTheGeminiApi() {
        try (FakeGeminiServer gemini = FakeGeminiServer.builder().requireApiKey("env-key").start()) {
            gemini.enqueue(Reply.text("Hello from Gemini."));
            String yaml = GEMINI.replace("gemini-2.5-flash}", "gemini-2.5-flash, base_url: " + gemini.baseUrl() + "}");

            try (CadreConfig.Components components = CadreConfig.parse(yaml, "cadre.yaml",
                    Map.of("GEMINI_API_KEY", "env-key")).build()) {
                Agent agent = components.agents().getFirst();
                assertThat(agent.model()).hasValueSatisfying(m -> assertThat(m).isInstanceOf(GeminiModel.class));

                RunOutput out = agent.run("Hi");

                assertThat(out.status()).isEqualTo(RunStatus.COMPLETED);
                assertThat(out.content()).isEqualTo("Hello from Gemini.");
                assertThat(gemini.takeRequest(Duration.ofSeconds(5)).model()).hasValue("gemini-2.5-flash");
            }
        }
    }
}
