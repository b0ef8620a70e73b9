package dev.cadre.cli;

import dev.cadre.jdbc.TestPostgres;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code cadre serve} processes in durable mode on one PostgreSQL schema, for the fleet tests: each a real JVM
 * started from the test's class path with a config naming the fake OpenAI server, each killed when the test ends.
 */
final class ServeFleet implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(90);
    /** A dead node is taken for dead this long after its last heartbeat: long enough for a busy CI machine. */
    static final int STALE_AFTER_SECONDS = 8;

    final String schema;
    private final Path config;
    private final List<Node> started = new ArrayList<>();
    final HttpClient http = HttpClient.newHttpClient();

    /** One {@code cadre serve} process: its URL once it serves, its stdout lines, its stderr in a file. */
    final class Node {
        final String instanceId;
        final Process process;
        final Path log;
        final String url;

        Node(String instanceId, Process process, Path log) throws IOException, InterruptedException {
            this.instanceId = instanceId;
            this.process = process;
            this.log = log;
            LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread.ofVirtual().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        lines.add(line);
                    }
                } catch (IOException gone) {
                    // the process ended
                }
            });
            long deadline = System.nanoTime() + WAIT.toNanos();
            String serving = null;
            while (serving == null && process.isAlive() && System.nanoTime() < deadline) {
                serving = lines.poll(100, TimeUnit.MILLISECONDS); // or it exited: its log says why
            }
            if (serving == null) {
                serving = lines.poll();
            }
            if (serving == null || !serving.startsWith("Cadre is serving on ")) {
                throw new AssertionError("node " + instanceId + " did not start (" + serving + "): "
                        + Files.readString(log));
            }
            this.url = serving.substring("Cadre is serving on ".length()).split(" ")[0];
        }

        HttpResponse<String> get(String path) throws IOException, InterruptedException {
            return http.send(HttpRequest.newBuilder(URI.create(url + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> post(String path, String form) throws IOException, InterruptedException {
            return http.send(HttpRequest.newBuilder(URI.create(url + path))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        }

        /** A streamed POST whose SSE {@code data:} lines go to {@code each} as they come, on a thread of its own. */
        Thread stream(String path, String form, Consumer<String> each) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url + path))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build();
            return Thread.ofVirtual().start(() -> {
                try {
                    http.send(request, HttpResponse.BodyHandlers.ofLines()).body()
                            .filter(l -> l.startsWith("data: ")).forEach(l -> each.accept(l.substring(6)));
                } catch (IOException | InterruptedException e) {
                    each.accept("{\"event\":\"-disconnected\"}");
                }
            });
        }

        /** {@code kill -9}. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor();
        }

        /** {@code kill} (SIGTERM), through the handle so that this side of its output stays open; waits. */
        int terminate() throws InterruptedException {
            process.toHandle().destroy();
            return process.waitFor();
        }

        String log() throws IOException {
            return Files.readString(log);
        }
    }

    /** A fleet on a fresh schema, its config written to {@code dir}, its models at {@code modelUrl}. */
    ServeFleet(Path dir, String modelUrl) throws IOException {
        this(dir, modelUrl, 20);
    }

    /** ... each process executing at most {@code workers} background runs at once. */
    ServeFleet(Path dir, String modelUrl, int workers) throws IOException {
        this.schema = TestPostgres.createSchema();
        this.config = dir.resolve("fleet.yaml");
        Files.writeString(config, """
                db: %s&schema=%s
                execution: {mode: durable, schema: %s_dbos, stale_after_seconds: %d, worker_concurrency: %d}
                models:
                  fake: {provider: openai-chat, id: gpt-4o, base_url: %s, api_key: sk-test}
                agents:
                  - {id: researcher, name: Researcher, model: fake, role: Finds facts}
                  - {id: writer, name: Writer, model: fake, role: Writes summaries}
                teams:
                  - id: research-team
                    name: Research Team
                    model: fake
                    members: [researcher, writer]
                    instructions: [First the researcher, then the writer.]
                """.formatted(TestPostgres.url(), schema, schema, STALE_AFTER_SECONDS, workers, modelUrl));
    }

    /** Starts {@code cadre serve --instance-id id} on a free port; returns once it serves. */
    Node start(String instanceId) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classPath = String.join(File.pathSeparator, System.getProperty("jdk.module.path", ""),
                System.getProperty("java.class.path", ""));
        // The quick JIT compiler and the serial collector: a node lives seconds on a busy machine.
        List<String> command = List.of(java, "-cp", classPath, "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED", CadreCli.class.getName(), "serve",
                "--config", config.toString(), "--port", "0", "--instance-id", instanceId, "--shutdown-grace", "1");
        Path log = Files.createTempFile("cadre-serve-" + instanceId, ".log");
        Process p = new ProcessBuilder(command).redirectError(log.toFile()).start();
        try {
            Node n = new Node(instanceId, p, log);
            started.add(n);
            return n;
        } catch (AssertionError | IOException | InterruptedException e) {
            p.destroyForcibly();
            throw e;
        }
    }

    /** The fleet's db, as {@code --db} takes it. */
    String dbUrl() {
        return TestPostgres.url() + "&schema=" + schema;
    }

    @Override
    public void close() {
        started.forEach(n -> n.process.destroyForcibly());
        for (Node n : started) {
            try {
                n.process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        TestPostgres.dropSchema(schema + "_dbos");
        TestPostgres.dropSchema(schema);
    }
}
