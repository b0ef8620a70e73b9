package dev.cadre.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.json.CadreJson;
import dev.cadre.testkit.FakeOpenAIServer;
import dev.cadre.testkit.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cadre run} with a config whose models talk to the fake OpenAI server. */
class RunCommandTest {

    @TempDir
    Path dir;
    private FakeOpenAIServer server;
    private Path config;
    @org.junit.jupiter.api.extension.RegisterExtension
    final Cli cli = new Cli();

    @BeforeEach
    void setUp() throws Exception {
        server = FakeOpenAIServer.start();
        server.dispatcher(r -> {
            if (r.hasTool("delegate_task_to_member")) {
                return r.isAfterToolResult() ? Reply.text("The team's answer.")
                        : Reply.toolCall("delegate_task_to_member", "{\"member_id\":\"researcher\",\"task\":\"Find facts\"}");
            }
            return Reply.text("Facts from the researcher.");
        });
        config = dir.resolve("cadre.yaml");
        Files.writeString(config, """
                db: sqlite:%s
                models:
                  default: {provider: openai-chat, id: gpt-4o, base_url: %s, api_key: sk-test}
                agents:
                  - {id: researcher, name: Researcher, model: default, role: Research topics.}
                teams:
                  - {id: research-team, name: ResearchTeam, model: default, members: [researcher]}
                """.formatted(dir.resolve("cadre.db"), server.baseUrl()));
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    private int cadre(String... args) {
        return cli.cadre(args);
    }

    private String out() {
        return cli.out();
    }

    @Test
    void aBlockingTeamRunPrintsTheAnswerAndExitsZero() {
        assertThat(cadre("run", "--config", config.toString(), "--team", "research-team", "What is entropy?")).isZero();
        assertThat(out()).contains("The team's answer.", "ResearchTeam", "COMPLETED");
    }

    @Test
    void aStreamedRunShowsTheMembersWorkAsItComes() {
        assertThat(cadre("run", "-c", config.toString(), "--team", "research-team", "--stream", "Go")).isZero();
        assertThat(out()).contains("[ResearchTeam delegates to researcher]", "Facts from the researcher.",
                "The team's answer.");
    }

    @Test
    void aBackgroundRunIsPendingAtOnceThenFollowedToItsEnd() {
        assertThat(cadre("run", "-c", config.toString(), "--agent", "researcher", "--background", "Go")).isZero();
        assertThat(out()).contains(": PENDING", "→ COMPLETED", "Facts from the researcher.");
    }

    @Test
    void jsonPrintsTheRun() throws Exception {
        assertThat(cadre("run", "-c", config.toString(), "--team", "research-team", "--json", "Go")).isZero();
        JsonNode run = CadreJson.mapper().readTree(out());
        assertThat(run.path("status").asText()).isEqualTo("COMPLETED");
        assertThat(run.path("member_responses").get(0).path("agent_id").asText()).isEqualTo("researcher");
    }

    @Test
    void aFailedRunExitsOneWithItsError() {
        server.dispatcher(r -> Reply.unauthorized());
        assertThat(cadre("run", "-c", config.toString(), "--agent", "researcher", "Go")).isEqualTo(1);
        assertThat(out()).contains("ERROR", "401");
    }

    @Test
    void badArgumentsAndConfigsExitTwoAndSayWhy() throws Exception {
        assertThat(cadre("run", "-c", config.toString(), "--team", "nope", "Go")).isEqualTo(2);
        assertThat(cli.err()).contains("has no team with id 'nope'",
                "team research-team, agent researcher");
        assertThat(cadre("run", "-c", config.toString(), "Go")).as("neither --team nor --agent").isEqualTo(2);
        assertThat(cadre("run", "-c", config.toString(), "--team", "t", "--agent", "a", "Go")).isEqualTo(2);
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "db: memory\nmodels:\n  default: {provider: openai-foo, id: x}\n");
        assertThat(cadre("run", "-c", bad.toString(), "--team", "t", "Go")).isEqualTo(2);
        assertThat(cli.err()).contains("bad.yaml:3: models.default.provider");
    }

    @Test
    void onATerminalStreamShowsASpinnerUntilTheFirstTokenAndErasesItThen() throws Exception {
        java.util.concurrent.CountDownLatch answer = new java.util.concurrent.CountDownLatch(1);
        server.dispatcher(r -> {
            try {
                answer.await(); // the model's first token comes when the test has seen the spinner
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Reply.text("Facts, streamed.");
        });
        String saved = System.getProperty("cadre.tty");
        System.setProperty("cadre.tty", "true");
        try {
            var exit = new java.util.concurrent.CompletableFuture<Integer>();
            Thread.ofVirtual().start(() -> exit.complete(
                    cadre("run", "--config", config.toString(), "--agent", "researcher", "--stream", "Facts?")));
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
            while (!out().contains("Researcher is thinking") && !exit.isDone() && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(2_000_000); // until the spinner shows (or the command ends)
            }
            assertThat(out()).as("the spinner, before any token").contains("Researcher is thinking");
            answer.countDown();
            assertThat(exit.get(60, java.util.concurrent.TimeUnit.SECONDS)).isZero();
            assertThat(out()).contains("\r\u001b[2KFacts, streamed.");
        } finally {
            answer.countDown();
            if (saved == null) {
                System.clearProperty("cadre.tty");
            } else {
                System.setProperty("cadre.tty", saved);
            }
        }
    }
}
