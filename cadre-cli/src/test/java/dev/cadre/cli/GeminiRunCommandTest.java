package dev.cadre.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.testkit.FakeGeminiServer;
import dev.cadre.testkit.GeminiReply;
import dev.cadre.testkit.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code cadre run} with a config whose model is {@code provider: gemini}, against the fake Gemini API. */
class GeminiRunCommandTest {

    @TempDir
    Path dir;
    @RegisterExtension
    final Cli cli = new Cli();
    private FakeGeminiServer gemini;
    private Path config;

    @BeforeEach
    void setUp() throws Exception {
        gemini = FakeGeminiServer.start();
        gemini.dispatcher(r -> {
            if (r.hasTool("delegate_task_to_member")) {
                return GeminiReply.of(r.isAfterToolResult() ? Reply.text("The team's answer.")
                        : Reply.toolCall("delegate_task_to_member",
                                "{\"member_id\":\"researcher\",\"task\":\"Find facts\"}"));
            }
            return GeminiReply.text("Facts from the researcher.");
        });
        config = dir.resolve("cadre.yaml");
        Files.writeString(config, """
                db: sqlite:%s
                models:
                  default: {provider: gemini, id: gemini-2.5-flash, base_url: %s, api_key: test-key}
                agents:
                  - {id: researcher, name: Researcher, model: default, role: Research topics.}
                teams:
                  - {id: research-team, name: ResearchTeam, model: default, members: [researcher]}
                """.formatted(dir.resolve("cadre.db"), gemini.baseUrl()));
    }

    @AfterEach
    void tearDown() {
        gemini.close();
    }

    @Test
    void aTeamOnGeminiRunsFromTheConfigAndPrintsTheAnswer() {
        assertThat(cli.cadre("run", "--config", config.toString(), "--team", "research-team", "What is entropy?"))
                .isZero();
        assertThat(cli.out()).contains("The team's answer.", "ResearchTeam", "COMPLETED");
        assertThat(gemini.requests()).allSatisfy(r -> assertThat(r.model()).hasValue("gemini-2.5-flash"));
    }

    @Test
    void aStreamedRunOnGeminiShowsTheMembersWork() {
        assertThat(cli.cadre("run", "-c", config.toString(), "--team", "research-team", "--stream", "Go")).isZero();
        assertThat(cli.out()).contains("Facts from the researcher.", "The team's answer.");
        assertThat(gemini.requests()).allSatisfy(r -> assertThat(r.isStream()).isTrue());
    }

    @Test
    void aKeyGeminiRejectsExitsOneWithTheVariableToCheck() {
        gemini.dispatcher(r -> GeminiReply.apiKeyInvalid());
        assertThat(cli.cadre("run", "-c", config.toString(), "--agent", "researcher", "Go")).isEqualTo(1);
        assertThat(cli.out()).contains("ERROR", "API key not valid", "GEMINI_API_KEY");
    }
}
