package dev.cadre.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.json.CadreJson;
import dev.cadre.server.CadreServer;
import dev.cadre.testkit.FakeOpenAIServer;
import dev.cadre.testkit.Reply;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code enable_user_memories} and {@code add_memories_to_context} on the agents and teams of a config. */
class MemoryConfigTest {

    private static final String CONFIG = """
            db: memory
            models:
              m: {provider: openai-chat, id: gpt-4o, base_url: "http://BASE_URL", api_key: sk-test}
            agents:
              - {id: friend, model: m, enable_user_memories: true}
              - {id: quiet, model: m, enable_user_memories: true, add_memories_to_context: false}
              - {id: plain, model: m}
            teams:
              - {id: desk, model: m, members: [plain], add_memories_to_context: yes}
            """;

    @Test
    void the_settings_read_with_agnos_defaults() {
        CadreConfig c = CadreConfig.parse(CONFIG, "cadre.yaml", Map.of());

        assertThat(c.agents()).extracting(CadreConfig.AgentConfig::memories).containsExactly(
                new CadreConfig.MemoryConfig(true, true), new CadreConfig.MemoryConfig(true, false),
                new CadreConfig.MemoryConfig(false, false));
        assertThat(c.teams().getFirst().memories()).isEqualTo(new CadreConfig.MemoryConfig(false, true));
        assertThatThrownBy(() -> CadreConfig.parse(CONFIG.replace("enable_user_memories: true}",
                "enable_user_memories: always}"), "cadre.yaml", Map.of())).isInstanceOf(ConfigException.class)
                .hasMessage("cadre.yaml:5: agents[0].enable_user_memories: 'always' is not true or false");
    }

    @Test
    void a_configured_agent_with_user_memories_writes_them_for_the_memory_routes(@TempDir Path dir) throws Exception {
        try (FakeOpenAIServer openai = FakeOpenAIServer.start()) {
            openai.dispatcher(r -> r.hasTool("add_memory") && !r.isAfterToolResult()
                    ? Reply.toolCall("add_memory", "{\"memory\":\"User's name is Ada\"}") : Reply.text("ok"));
            Path file = dir.resolve("cadre.yaml");
            Files.writeString(file, CONFIG.replace("http://BASE_URL", openai.baseUrl()));
            CadreServer server = CadreConfig.load(file).serverBuilder().port(0).build().start();
            try {
                HttpClient http = HttpClient.newHttpClient();
                HttpResponse<String> run = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl()
                                + "/agents/friend/runs"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("message=I+am+Ada&stream=false&user_id=ada")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(run.statusCode()).as(run.body()).isEqualTo(200);
                JsonNode page = CadreJson.mapper().readTree(http.send(HttpRequest.newBuilder(URI.create(
                        server.baseUrl() + "/memories?user_id=ada")).build(), HttpResponse.BodyHandlers.ofString())
                        .body());
                assertThat(page.get("data").findValuesAsText("memory")).containsExactly("User's name is Ada");
            } finally {
                server.stop(Duration.ofSeconds(5));
            }
        }
    }
}
