package dev.cadre.server.internal;

import dev.cadre.Agent;
import dev.cadre.RunManager;
import dev.cadre.openai.OpenAIChat;
import dev.cadre.server.internal.auth.Authenticator;
import dev.cadre.db.InMemoryDb;
import dev.cadre.testkit.FakeOpenAIServer;
import dev.cadre.testkit.RecordedRequest;
import dev.cadre.testkit.Reply;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A started {@link AgentOsApi} with one agent, {@code echo}, on the fake OpenAI server, for tests that look at
 * the server's streams from inside. What the model answers is decided by markers in the message: {@code [stall]}
 * never answers, {@code [hang]} answers its first word at once and the next a minute later, {@code [flood]}
 * answers {@value #FLOOD_CHUNKS} chunks of 8000 characters at once (far more than socket buffers hold), {@code
 * [many]} {@value #MANY_CHUNKS} chunks of one word;
 * anything else is echoed.
 */
final class StreamingServer implements AutoCloseable {

    static final int FLOOD_CHUNKS = 2_000;
    static final String FLOOD_CHUNK = "x".repeat(8_000);
    static final int MANY_CHUNKS = 12_000;

    final FakeOpenAIServer openai = FakeOpenAIServer.start();
    final InMemoryDb db = new InMemoryDb();
    final RunManager runManager = RunManager.builder().build();
    final Agent echo;
    final AgentOsApi api;

    /**
     * @param heartbeat the stream heartbeat
     * @param requestTimeout how long a client may take to send a request, and to take a stream's bytes
     */
    StreamingServer(Duration heartbeat, Duration requestTimeout) {
        openai.dispatcher(StreamingServer::reply);
        echo = Agent.builder().id("echo").name("Echo")
                .model(OpenAIChat.builder().id("gpt-4o").apiKey("sk-test").baseUrl(openai.baseUrl()).build())
                .db(db).runManager(runManager).build();
        api = new AgentOsApi(new ServerSettings(Map.of("echo", echo), Map.of(), List.of("echo"), List.of(), db,
                Optional.of(runManager), "127.0.0.1", 0, Authenticator.open(), List.of(), heartbeat, requestTimeout,
                "cadre", List.of(), Execution.local(), Optional.empty(), false));
        api.start();
    }

    private static Reply reply(RecordedRequest r) {
        String msg = r.lastUserMessage().orElse("");
        if (msg.contains("[stall]")) {
            return Reply.stall();
        }
        if (msg.contains("[hang]")) {
            return Reply.text("the first law states").chunkDelay(Duration.ofMinutes(1));
        }
        if (msg.contains("[many]")) {
            String[] chunks = new String[MANY_CHUNKS];
            java.util.Arrays.fill(chunks, "word ");
            return Reply.textChunks(chunks);
        }
        if (msg.contains("[flood]")) {
            String[] chunks = new String[FLOOD_CHUNKS];
            java.util.Arrays.fill(chunks, FLOOD_CHUNK);
            return Reply.textChunks(chunks);
        }
        return Reply.text("Echo: " + msg);
    }

    /**
     * Connects a client that reads nothing unless told: its receive buffer is fixed small, so the server's
     * writes block once the kernel's buffers are full.
     */
    Socket rawClient() throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096); // before connecting, so the window stays small
        s.setSoTimeout((int) Duration.ofMinutes(2).toMillis()); // a safety net: the tests wait on events
        s.connect(new InetSocketAddress("127.0.0.1", api.port()));
        return s;
    }

    /** Sends {@code POST path} with the form fields given as name, value pairs. */
    static void post(Socket s, String path, String... fields) throws IOException {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < fields.length; i += 2) {
            if (!body.isEmpty()) {
                body.append('&');
            }
            body.append(fields[i]).append('=').append(URLEncoder.encode(fields[i + 1], StandardCharsets.UTF_8));
        }
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        OutputStream out = s.getOutputStream();
        out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "Content-Length: " + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
    }

    @Override
    public void close() {
        api.stop(Duration.ofSeconds(5), line -> { });
        openai.close();
        db.close();
    }
}
