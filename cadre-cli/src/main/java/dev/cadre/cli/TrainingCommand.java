package dev.cadre.cli;

import dev.cadre.server.CadreServer;
import dev.cadre.server.config.CadreConfig;
import dev.cadre.testkit.FakeOpenAIServer;
import dev.cadre.testkit.Reply;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;

/**
 * {@code cadre aot-training} (hidden): the training run the {@code ./cadre} launcher records its AOT cache
 * with (see the README). It does, offline and in a temp directory, what a start of each command does —
 * the command model and help, a config file read, a SQLite database opened and migrated, runs of an agent
 * and a streamed team run over both OpenAI APIs against the in-process fake server, a run listing, the
 * server started, asked for its health and stopped — so that the classes those paths load are in the
 * cache. Exits 0 when every step did what it should, 1 otherwise (the launcher then keeps no cache).
 */
@Command(name = TrainingCommand.NAME, hidden = true,
        description = "Records what the commands load at start-up, for the launcher's AOT cache.")
final class TrainingCommand implements Callable<Integer> {

    static final String NAME = "aot-training";

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("cadre-aot-training");
        try (FakeOpenAIServer fake = FakeOpenAIServer.start()) {
            fake.dispatcher(r -> {
                if (r.hasTool("delegate_task_to_member")) {
                    return r.isAfterToolResult() ? Reply.text("Done.")
                            : Reply.toolCall("delegate_task_to_member", "{\"member_id\":\"a\",\"task\":\"Answer\"}");
                }
                return Reply.text("An answer.");
            });
            Path config = dir.resolve("cadre.yaml");
            Files.writeString(config, """
                    db: sqlite:%s
                    models:
                      chat: {provider: openai-chat, id: gpt-4o, base_url: %s, api_key: sk-training}
                      responses: {provider: openai-responses, id: gpt-4o, base_url: %s, api_key: sk-training}
                    agents:
                      - {id: a, name: A, model: chat, role: Answers.}
                      - {id: b, name: B, model: responses, role: Answers.}
                    teams:
                      - {id: t, name: T, model: chat, members: [a]}
                    """.formatted(dir.resolve("cadre.db"), fake.baseUrl(), fake.baseUrl()));
            String c = config.toString();
            List<Integer> codes = new ArrayList<>();
            codes.add(cadre("--help"));
            codes.add(cadre("run", "-c", c, "--agent", "a", "Hello"));
            codes.add(cadre("run", "-c", c, "--agent", "b", "--json", "Hello"));
            codes.add(cadre("run", "-c", c, "--team", "t", "--stream", "Hello"));
            codes.add(cadre("runs", "list", "--db", "sqlite:" + dir.resolve("cadre.db")));
            codes.add(serve(config));
            return codes.stream().allMatch(code -> code == 0) ? 0 : CadreCli.FAILED;
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static int cadre(String... args) {
        var cli = CadreCli.commandLine(args);
        cli.setOut(new PrintWriter(OutputStream.nullOutputStream()));
        return cli.execute(args);
    }

    /** What {@code cadre serve} does up to serving, one request, then a stop. */
    private static int serve(Path config) throws Exception {
        CadreServer server = CadreConfig.load(config).serverBuilder().port(0).build().start();
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/health"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            return health.statusCode() == 200 ? 0 : CadreCli.FAILED;
        } finally {
            server.stop(Duration.ZERO);
        }
    }
}
