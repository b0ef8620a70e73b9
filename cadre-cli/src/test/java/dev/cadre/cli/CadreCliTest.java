package dev.cadre.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CadreCliTest {

    private record Result(int exitCode, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = CadreCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void helpListsServeWithExamples() {
        Result top = run("--help");
        assertThat(top.exitCode()).isZero();
        assertThat(top.out()).contains("serve").contains("Examples:").contains("cadre serve --config cadre.yaml");
        Result serve = run("serve", "--help");
        assertThat(serve.exitCode()).isZero();
        assertThat(serve.out()).contains("--config", "--port", "--host", "${OPENAI_API_KEY}");
    }

    @Test
    void everyCommandsSummaryLineIsACompleteSentence() {
        // The header's first line, or else the description's, is what `cadre --help` (and `cadre runs --help`)
        // list beside the name.
        java.util.List<CommandLine> all = new java.util.ArrayList<>();
        java.util.Deque<CommandLine> todo = new java.util.ArrayDeque<>(CadreCli.commandLine().getSubcommands().values());
        while (!todo.isEmpty()) {
            CommandLine c = todo.pop();
            all.add(c);
            todo.addAll(c.getSubcommands().values());
        }
        assertThat(all).hasSizeGreaterThan(5);
        for (CommandLine c : all) {
            var usage = c.getCommandSpec().usageMessage();
            String[] description = usage.header().length > 0 ? usage.header() : usage.description();
            assertThat(description).as(c.getCommandSpec().qualifiedName()).isNotEmpty();
            assertThat(description[0]).as(c.getCommandSpec().qualifiedName()).matches("[A-Z].*[.]");
        }
        // Long lines wrap onto the next line, indented: the whole sentence is there.
        assertThat(run("--help").out().replaceAll("\\s+", " ")).contains("Runs the two seed scenarios end to end.",
                "Serves the agents and teams of a config file over the AgentOS HTTP API.");
    }

    @Test
    void usageErrorsExitWith2() {
        assertThat(run().exitCode()).isEqualTo(2);
        assertThat(run("serve").exitCode()).as("no --config").isEqualTo(2);
        assertThat(run("serve", "--config", "x.yaml", "--port", "seven").exitCode()).isEqualTo(2);
        assertThat(run("bake").exitCode()).isEqualTo(2);
    }

    @Test
    void aBadConfigExitsWith2AndNamesTheLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("cadre.yaml");
        Files.writeString(file, """
                db: memory
                models:
                  default: {provider: openai-foo, id: x}
                agents: [{id: a}]
                """);
        Result r = run("serve", "--config", file.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo(
                "cadre.yaml:3: models.default.provider: 'openai-foo' is not one of openai-responses, openai-chat, anthropic, gemini");
    }

    @Test
    void aMissingConfigFileOrAYamlSyntaxErrorSaysWhatIsWrongAndWhere(@TempDir Path dir) throws Exception {
        Result missing = run("serve", "--config", dir.resolve("cadre.yml").toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err().strip()).isEqualTo(dir.resolve("cadre.yml") + ": file not found");

        Path file = dir.resolve("cadre.yaml");
        Files.writeString(file, "db: memory\nagents:\n  - {id: a, name: A\n");
        Result broken = run("serve", "--config", file.toString());
        assertThat(broken.exitCode()).isEqualTo(2);
        assertThat(broken.err().strip()).isEqualTo("cadre.yaml:4: not valid YAML: expected ',' or '}', but got"
                + " <stream end> at line 4, column 1 (while parsing a flow mapping that starts at line 3, column 5)");
    }

    @Test
    void aDatabaseThatCannotBeOpenedExitsWith1AndShowsNoPassword(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("cadre.yaml");
        Files.writeString(file, """
                db: postgresql://cadre:hunter2@127.0.0.1:1/cadre
                models:
                  default: {provider: openai-chat, id: x, api_key: k}
                agents: [{id: a}]
                """);
        Result r = run("serve", "--config", file.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).startsWith("cadre serve: cannot open the database:").contains("127.0.0.1:1")
                .doesNotContain("hunter2");
    }

    @Test
    void aCorruptSqliteFileExitsWith1(@TempDir Path dir) throws Exception {
        Path db = dir.resolve("broken.db");
        Files.writeString(db, "this is not a SQLite database, not even close; ".repeat(100));
        Path file = dir.resolve("cadre.yaml");
        Files.writeString(file, "db: sqlite:" + db.toString().replace('\\', '/') + "\n" + """
                models:
                  default: {provider: openai-chat, id: x, api_key: k}
                agents: [{id: a}]
                """);
        Result r = run("serve", "--config", file.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("not a valid SQLite database");
    }

    @Test
    void unusableJwtKeyMaterialIsAConfigProblem(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("cadre.yaml");
        Files.writeString(file, """
                db: memory
                models:
                  default: {provider: openai-chat, id: x, api_key: k}
                agents: [{id: a}]
                server: {jwt: {verification_key: too-short}}
                """);
        Result r = run("serve", "--config", file.toString(), "--port", "0");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("32 bytes");
    }

    @Test
    void serveAnswersUntilStopped(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("cadre.yaml");
        Files.writeString(file, """
                db: memory
                models:
                  default: {provider: openai-chat, id: gpt-4o, base_url: http://127.0.0.1:9/v1, api_key: sk-test}
                agents: [{id: helper, name: Helper}]
                """);
        CountDownLatch serving = new CountDownLatch(1);
        StringWriter out = new StringWriter() {
            @Override
            public void flush() {
                if (toString().contains("execution: ")) {
                    serving.countDown();
                }
            }
        };
        CommandLine cli = CadreCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        ServeCommand serve = cli.getSubcommands().get("serve").getCommand();
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        Thread thread = Thread.ofVirtual()
                .start(() -> exit.complete(cli.execute("serve", "--config", file.toString(), "--port", "0")));

        assertThat(serving.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(out.toString()).startsWith("Cadre is serving on http://127.0.0.1:").contains(
                "  db:        memory\n", "  agents:    1 (helper)\n", "  teams:     none\n",
                "  auth:      none (anyone who can reach the port may call it)\n",
                "  execution: local, instance " + dev.cadre.db.ProcessInstance.id());
        HttpResponse<String> agents = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(serve.server().baseUrl() + "/agents")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(agents.body()).contains("\"id\":\"helper\"");

        serve.server().stop(java.time.Duration.ofSeconds(1));
        assertThat(exit.get(10, TimeUnit.SECONDS)).isZero();
        thread.join();
    }
}
