package dev.cadre.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.testkit.FakeAnthropicServer;
import dev.cadre.testkit.RecordedRequest;
import dev.cadre.testkit.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cadre run} with a config whose models are Claude ({@code provider: anthropic}), against the fake server. */
class AnthropicRunCommandTest {

    @TempDir
    Path dir;
    private FakeAnthropicServer server;
    private Path config;
    @org.junit.jupiter.api.extension.RegisterExtension
    final Cli cli = new Cli();

    @BeforeEach
    void setUp() throws Exception {
        server = FakeAnthropicServer.builder().requireApiKey("sk-ant-test").start();
        server.dispatcher(r -> {
            if (r.hasTool("delegate_task_to_member")) {
                return r.isAfterToolResult() ? Reply.text("Claude's team answer.")
                        : Reply.toolCall("delegate_task_to_member",
                                "{\"member_id\":\"researcher\",\"task\":\"Find facts\"}");
            }
            return Reply.text("Facts from Claude.").thinking("Recall the facts.");
        });
        config = dir.resolve("cadre.yaml");
        Files.writeString(config, """
                db: sqlite:%s
                models:
                  claude: {provider: anthropic, id: claude-sonnet-4-5, base_url: %s, api_key: sk-ant-test}
                agents:
                  - {id: researcher, name: Researcher, model: claude, role: Research topics.}
                teams:
                  - {id: research-team, name: ResearchTeam, model: claude, members: [researcher]}
                """.formatted(dir.resolve("cadre.db"), server.baseUrl()));
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    @Test
    void aBlockingTeamRunOnClaudePrintsTheAnswer() {
        assertThat(cli.cadre("run", "--config", config.toString(), "--team", "research-team", "What is entropy?"))
                .isZero();

        assertThat(cli.out()).contains("Claude's team answer.", "ResearchTeam", "COMPLETED");
        RecordedRequest first = server.takeRequest(Duration.ofSeconds(10));
        assertThat(first.model()).hasValue("claude-sonnet-4-5");
        assertThat(first.hasTool("delegate_task_to_member")).isTrue();
    }

    @Test
    void aStreamedRunOnClaudeShowsTheMembersWork() {
        assertThat(cli.cadre("run", "-c", config.toString(), "--team", "research-team", "--stream", "Go")).isZero();

        assertThat(cli.out()).contains("[ResearchTeam delegates to researcher]", "Facts from Claude.",
                "Claude's team answer.");
        assertThat(server.requests()).allSatisfy(r -> assertThat(r.isStream()).isTrue());
    }

    @Test
    void aRejectedKeyExitsOneAndNamesTheKeySetting() throws Exception {
        Files.writeString(config, Files.readString(config).replace("sk-ant-test", "sk-ant-wrong"));

        assertThat(cli.cadre("run", "-c", config.toString(), "--agent", "researcher", "Go")).isEqualTo(1);

        assertThat(cli.out()).contains("ERROR", "401", "ANTHROPIC_API_KEY");
    }
}
