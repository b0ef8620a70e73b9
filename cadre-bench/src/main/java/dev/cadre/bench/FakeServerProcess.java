package dev.cadre.bench;

import dev.cadre.testkit.FakeOpenAIServer;
import dev.cadre.testkit.RecordedRequest;
import dev.cadre.testkit.Reply;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The fake server in a JVM of its own, for the concurrency benchmark: thousands of held connections
 * then cost this process's file descriptors and heap, not the measured one's. It answers every
 * request with a reply that takes minutes (one token every 10 s), prints {@code port=N}, and then
 * answers commands on stdin, one per line, so that the bench waits for events instead of polling:
 *
 * <pre>
 *   await-requests N   → "ok" once N requests have arrived (or "timeout")
 *   await-closed       → "ok" once every request so far has ended (client gone or answered)
 *   stats              → "requests=R connections=C"
 * </pre>
 */
final class FakeServerProcess implements AutoCloseable {

    private final Process process;
    private final BufferedReader in;
    private final PrintWriter out;
    final int port;

    private FakeServerProcess(Process process) throws IOException {
        this.process = process;
        this.in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.out = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        String line = in.readLine();
        if (line == null || !line.startsWith("port=")) {
            process.destroyForcibly();
            throw new IOException("the fake server process did not start: " + line);
        }
        this.port = Integer.parseInt(line.substring(5));
    }

    /** Starts the fake server in a new JVM with a heap of its own. */
    static FakeServerProcess start() throws IOException {
        List<String> cmd = Bench.javaCommand("-Xms1g", "-Xmx1g");
        cmd.addAll(List.of(Bench.class.getName(), "--fake-server=slow"));
        return new FakeServerProcess(new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start());
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port + "/v1";
    }

    /** Sends a command and returns the answer line. */
    synchronized String ask(String command) throws IOException {
        out.println(command);
        String answer = in.readLine();
        if (answer == null) {
            throw new IOException("the fake server process ended");
        }
        return answer;
    }

    void expectOk(String command) throws IOException {
        String answer = ask(command);
        if (!answer.equals("ok")) {
            throw new IOException(command + ": " + answer);
        }
    }

    @Override
    public void close() {
        kill();
    }

    /** Kills the server; every connection it held is reset. Idempotent. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The server side: runs in the fake server's own JVM. */
    static void serve(String mode) throws IOException {
        if (!mode.equals("slow")) {
            throw new IllegalArgumentException("unknown fake server mode " + mode);
        }
        FakeOpenAIServer server = FakeOpenAIServer.start();
        String words = "token ".repeat(30).trim();
        server.dispatcher(r -> Reply.text(words).chunkDelay(Duration.ofSeconds(10)));
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        out.println("port=" + server.port());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        Duration timeout = Duration.ofMinutes(5);
        for (String line; (line = in.readLine()) != null; ) {
            String[] cmd = line.trim().split(" ");
            try {
                switch (cmd[0]) {
                    case "await-requests" -> {
                        server.awaitRequests(Integer.parseInt(cmd[1]), timeout);
                        out.println("ok");
                    }
                    case "await-closed" -> {
                        CompletableFuture.allOf(server.requests().stream().map(RecordedRequest::outcome)
                                .toArray(CompletableFuture[]::new)).get(timeout.toSeconds(), TimeUnit.SECONDS);
                        out.println("ok");
                    }
                    case "stats" -> out.println("requests=" + server.requestCount() + " connections="
                            + server.connectionCount());
                    default -> out.println("unknown command " + cmd[0]);
                }
            } catch (AssertionError | Exception e) {
                out.println("failed: " + e.getMessage());
            }
        }
        server.close();
        System.exit(0);
    }
}
