package dev.cadre.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.management.HotSpotDiagnosticMXBean;
import dev.cadre.json.CadreJson;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stream has one thread, which reads the run and writes to the client; a client that does not keep up holds
 * the run back and, once it takes no bytes for the stall limit, is let go like one that left — its run is
 * cancelled, while a resumable run goes on with a bounded buffer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamsAndSlowClientsTest {

    /** The stall limit: a client that takes no bytes for this long (plus a heartbeat) is gone. */
    // The stall limit under test; long enough that a reading client on a busy machine is never taken for stalled.
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    private StreamingServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start() {
        server = new StreamingServer(Duration.ofMillis(100), REQUEST_TIMEOUT);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private static String runId() {
        return "run-" + UUID.randomUUID();
    }

    /** Opens a stream and hands its lines over as they arrive. */
    private Iterator<String> open(String path, String... fields) throws Exception {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < fields.length; i += 2) {
            body.append(body.isEmpty() ? "" : "&").append(fields[i]).append('=')
                    .append(URLEncoder.encode(fields[i + 1], StandardCharsets.UTF_8));
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.api.port() + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        HttpResponse<Stream<String>> response = http.send(request, HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body().iterator();
    }

    /** Reads lines until one starts with {@code prefix}; returns it. */
    private static String until(Iterator<String> lines, String prefix) {
        while (lines.hasNext()) {
            String line = lines.next();
            if (line.startsWith(prefix)) {
                return line;
            }
        }
        throw new AssertionError("The stream ended before a line starting with " + prefix);
    }

    private static List<String> events(Iterator<String> lines) {
        List<String> names = new ArrayList<>();
        lines.forEachRemaining(l -> {
            if (l.startsWith("event: ")) {
                names.add(l.substring(7));
            }
        });
        return names;
    }

    private RunResult ended(String runId) throws InterruptedException {
        assertThat(server.runManager.awaitRun(runId, Duration.ofMinutes(1))).as("run %s ended", runId).isTrue();
        return server.db.getRun(runId).orElseThrow();
    }

    @Test
    void aClientThatStopsReadingHoldsItsRunBackAndIsThenLetGoWhichCancelsTheRun() throws Exception {
        String runId = runId();
        try (Socket client = server.rawClient()) {
            StreamingServer.post(client, "/agents/echo/runs", "message", "[flood] tell me everything", "run_id", runId);
            assertThat(status(client)).isEqualTo("HTTP/1.1 200"); // the run has started
            // ...and reads nothing more. Sixteen megabytes of answer cannot all fit in the sockets' buffers, the run
            // stream's and the server's: unless the server queues frames without bound, the run must wait for
            // the client, until the server gives up on a client that takes no bytes and cancels the run.
            RunResult run = ended(runId);

            assertThat(run.status()).as("the run was held back, then cancelled").isEqualTo(RunStatus.CANCELLED);
            assertThat(run.content().length()).isLessThan(StreamingServer.FLOOD_CHUNKS * StreamingServer.FLOOD_CHUNK.length());
            assertThat(server.api.streams().mostFramesHeld()).as("frames read from a run and not yet written")
                    .isLessThanOrEqualTo(1);
        }
    }

    @Test
    void aStreamIsReadAndWrittenByOneThreadNamedAfterItsRun(@TempDir Path dir) throws Exception {
        String runId = runId();
        Iterator<String> lines = open("/agents/echo/runs", "message", "[hang] one thread", "run_id", runId);
        until(lines, "event: RunContent"); // the first word; the next is a minute away
        until(lines, ": heartbeat"); // the stream's thread is back to waiting for the run

        List<JsonNode> streamThreads = new ArrayList<>();
        for (JsonNode t : threads(dir)) {
            if (t.path("stack").toString().contains(SseWriter.class.getName())) {
                streamThreads.add(t);
            }
        }
        assertThat(streamThreads).as("threads running the stream's code").hasSize(1);
        assertThat(streamThreads.getFirst().path("name").asText()).isEqualTo("cadre-sse-" + runId);

        server.echo.cancelRun(runId);
        assertThat(events(lines)).endsWith("RunCancelled");
    }

    @Test
    void anIdleStreamGetsHeartbeatsFromItsWriterAndThenItsEvents() throws Exception {
        String runId = runId();
        Iterator<String> lines = open("/agents/echo/runs", "message", "[stall] think", "run_id", runId);
        until(lines, "event: RunStarted");
        // The model holds the run until the test has seen the heartbeats it waits for.
        until(lines, ": heartbeat");
        until(lines, ": heartbeat");

        server.echo.cancelRun(runId);
        assertThat(events(lines)).endsWith("RunCancelled");
        assertThat(ended(runId).status()).isEqualTo(RunStatus.CANCELLED);
    }

    @Test
    void aClientThatClosesTheConnectionCancelsTheRun() throws Exception {
        String runId = runId();
        try (Socket client = server.rawClient()) {
            StreamingServer.post(client, "/agents/echo/runs", "message", "[stall] gone soon", "run_id", runId);
            assertThat(status(client)).isEqualTo("HTTP/1.1 200");
        } // the client goes away while the model thinks

        assertThat(ended(runId).status()).isEqualTo(RunStatus.CANCELLED);
    }

    @Test
    void aResumableRunGoesOnWithoutItsClientAndKeepsOnlyItsNewestFrames() throws Exception {
        String runId = runId();
        try (Socket client = server.rawClient()) {
            StreamingServer.post(client, "/agents/echo/runs", "message", "[many] in the background", "run_id", runId,
                    "background", "true");
            assertThat(status(client)).isEqualTo("HTTP/1.1 200");
            // The client reads nothing more; the run must not wait for it, nor its buffer grow past its bound.
            assertThat(ended(runId).status()).isEqualTo(RunStatus.COMPLETED);
        }
        ResumableRuns.Buffer buffer = server.api.resumable().get(runId).orElseThrow();
        for (ResumableRuns.Snapshot s = buffer.now(); !s.ended(); ) {
            s = buffer.await(s.total(), Duration.ofMinutes(1)); // the buffer's reader may still be taking the last events
        }
        ResumableRuns.Snapshot end = buffer.await(0, Duration.ZERO);
        assertThat(end.ended()).isTrue();
        assertThat(end.total()).isGreaterThan(ResumableRuns.MAX_FRAMES);
        assertThat(buffer.held()).isEqualTo(ResumableRuns.MAX_FRAMES);
        assertThat(end.frames()).hasSize(ResumableRuns.MAX_FRAMES);
        assertThat(end.frames().getLast()).startsWith("event: RunCompleted")
                .contains("\"event_index\":" + (end.total() - 1));
    }

    /** The start of the answer's status line: the server sends it once the run has started. */
    private static String status(Socket client) throws IOException {
        return new String(client.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
    }

    /** Every thread of the JVM, virtual ones included, as the JDK's JSON thread dump lists them. */
    private static List<JsonNode> threads(Path dir) throws IOException {
        Path file = dir.resolve("threads-" + UUID.randomUUID() + ".json");
        ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                .dumpThreads(file.toAbsolutePath().toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
        JsonNode dump = CadreJson.mapper().readTree(Files.readString(file));
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode container : dump.path("threadDump").path("threadContainers")) {
            container.path("threads").forEach(out::add);
        }
        assertThat(out).as("the dump lists threads").isNotEmpty();
        return out;
    }
}
