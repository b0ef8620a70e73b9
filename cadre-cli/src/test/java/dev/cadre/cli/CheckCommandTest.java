package dev.cadre.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.testkit.FakeAnthropicServer;
import dev.cadre.testkit.FakeGeminiServer;
import dev.cadre.testkit.FakeOpenAIServer;
import dev.cadre.testkit.Reply;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code cadre check}: a config validated without serving, and its models asked online (the fake servers). */
class CheckCommandTest {

    @TempDir
    Path dir;
    private FakeOpenAIServer openai;
    private FakeAnthropicServer anthropic;
    private FakeGeminiServer gemini;

    private record Result(int exitCode, String out, String err) {
    }

    @BeforeEach
    void startServers() {
        openai = FakeOpenAIServer.builder().requireApiKey("sk-openai").start();
        openai.dispatcher(r -> Reply.text("ok"));
        anthropic = FakeAnthropicServer.builder().requireApiKey("sk-ant").start();
        anthropic.dispatcher(r -> Reply.text("ok"));
        gemini = FakeGeminiServer.builder().requireApiKey("gem-key").start();
        gemini.dispatcher(r -> dev.cadre.testkit.GeminiReply.text("ok"));
    }

    @AfterEach
    void stopServers() {
        openai.close();
        anthropic.close();
        gemini.close();
    }

    private Result check(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = CadreCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 1];
        all[0] = "check";
        System.arraycopy(args, 0, all, 1, args.length);
        return new Result(cli.execute(all), out.toString(), err.toString());
    }

    private Path config(String anthropicKey) throws Exception {
        Path file = dir.resolve("cadre.yaml");
        Files.writeString(file, """
                db: sqlite:%s
                models:
                  gpt: {provider: openai-chat, id: gpt-5.2-mini, base_url: %s, api_key: sk-openai}
                  claude: {provider: anthropic, id: claude-sonnet-4-5, base_url: %s, api_key: %s}
                  flash: {provider: gemini, id: gemini-2.5-flash, base_url: %s, api_key: gem-key}
                agents:
                  - {id: a, name: A, model: gpt}
                  - {id: b, name: B, model: claude}
                teams:
                  - {id: t, name: T, model: flash, members: [a, b]}
                """.formatted(dir.resolve("cadre.db"), openai.baseUrl(), anthropic.baseUrl(), anthropicKey,
                gemini.baseUrl()));
        return file;
    }

    @Test
    void aValidConfigExitsZeroWithoutOpeningTheDbOrCallingAModel() throws Exception {
        Result r = check("--config", config("sk-ant").toString());

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("cadre.yaml: valid (3 models, 2 agents, 1 team)");
        assertThat(dir.resolve("cadre.db")).doesNotExist();
        assertThat(openai.requestCount() + anthropic.requestCount() + gemini.requestCount()).isZero();
    }

    @Test
    void anInvalidConfigExitsTwoWithTheFileLineAndPath() throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "db: memory\nmodels:\n  default: {provider: openai-foo, id: x}\nagents: [{id: a}]\n");

        Result r = check("--config", file.toString());

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo(
                "bad.yaml:3: models.default.provider: 'openai-foo' is not one of openai-responses, openai-chat, anthropic, gemini");
        assertThat(check("--config", dir.resolve("absent.yaml").toString()).err()).contains("absent.yaml: file not found");
    }

    @Test
    void onlineEveryModelIsAskedOnceWithItsKeyAndReportedOk() throws Exception {
        Result r = check("--config", config("sk-ant").toString(), "--online");

        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("model gpt (openai-chat gpt-5.2-mini): ok",
                "model claude (anthropic claude-sonnet-4-5): ok", "model flash (gemini gemini-2.5-flash): ok");
        assertThat(openai.requestCount()).isOne();
        assertThat(anthropic.requestCount()).isOne();
        assertThat(gemini.requestCount()).isOne();
        assertThat(dir.resolve("cadre.db")).doesNotExist();
    }

    @Test
    void onlineAModelWhoseProviderRejectsItsKeyIsReportedFailingWithItsErrorAndExitsTwo() throws Exception {
        Result r = check("--config", config("sk-wrong").toString(), "--online");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.out()).contains("model gpt (openai-chat gpt-5.2-mini): ok", "model flash (gemini gemini-2.5-flash): ok")
                .contains("model claude (anthropic claude-sonnet-4-5): failing: The API key was rejected by " + anthropic.baseUrl());
        assertThat(r.err()).contains("cadre check: 1 model of 3 failing");
    }

    @Test
    void onlineAnUnreachableProviderIsReportedFailing() throws Exception {
        Path file = config("sk-ant");
        gemini.close(); // nothing listens there any more
        Result r = check("--config", file.toString(), "--online");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.out()).containsPattern("model flash \\(gemini gemini-2.5-flash\\): failing: .+")
                .contains("model gpt (openai-chat gpt-5.2-mini): ok");
    }
}
