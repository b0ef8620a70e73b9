package dev.cadre.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.Agent;
import dev.cadre.RunManager;
import dev.cadre.Team;
import dev.cadre.openai.OpenAIResponses;
import dev.cadre.db.InMemoryDb;
import dev.cadre.db.Db;
import dev.cadre.testkit.FakeOpenAIServer;
import dev.cadre.testkit.RecordedRequest;
import dev.cadre.testkit.Reply;
import dev.cadre.tool.FunctionTool;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Agent UI's exact calls for a new chat, black-box: it posts the first message as multipart with
 * {@code stream=true} and an empty {@code session_id}, learns the session from {@code TeamRunStarted}, and — its
 * session id having changed — fetches {@code GET /sessions/{id}/runs?type=team&db_id=…} while the answer still
 * streams, replacing its live messages with whatever list comes back. AgentOS answers 404 there (a streamed run's
 * session is stored at its end), so the UI keeps what it streamed; Cadre must too.
 *
 * <p>The run is held mid-way by a tool that waits for the test, so "while it streams" does not depend on timing.
 */
class AgentUiSequenceTest {

    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch paused = new CountDownLatch(1);
    private FakeOpenAIServer openai;
    private Db store;
    private RunManager runs;
    private CadreServer server;
    private Http http;

    @BeforeEach
    void start() {
        openai = FakeOpenAIServer.start();
        openai.dispatcher(AgentUiSequenceTest::reply);
        store = new InMemoryDb();
        runs = RunManager.builder().build();
        var model = OpenAIResponses.builder().id("gpt-5.2-mini").apiKey("sk-test").baseUrl(openai.baseUrl()).build();
        Agent writer = Agent.builder().id("writer").name("Writer").role("Writes.").runManager(runs).build();
        FunctionTool hold = FunctionTool.of("hold", "Waits for the test.", ctx -> {
            paused.countDown();
            return release.await(30, TimeUnit.SECONDS) ? "released" : "not released";
        });
        Team crew = Team.builder().id("crew").name("Crew").model(model).members(writer).tools(hold)
                .db(store).runManager(runs).build();
        server = CadreServer.builder().teams(crew).db(store).runManager(runs).port(0).build().start();
        http = new Http(server.baseUrl());
    }

    /** The leader delegates to the writer, then holds, then answers; the writer answers at once. */
    private static Reply reply(RecordedRequest r) {
        if (!r.hasTool("delegate_task_to_member")) {
            return Reply.text("Entropy measures disorder.");
        }
        return switch (r.toolResults().size()) {
            case 0 -> Reply.toolCall("delegate_task_to_member", "{\"member_id\":\"writer\",\"task\":\"Explain entropy\"}");
            case 1 -> Reply.toolCall("hold", "{}");
            default -> Reply.text("Summary: entropy measures disorder.");
        };
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(Duration.ofSeconds(5));
        openai.close();
        store.close();
    }

    @Test
    void aNewChatKeepsWhatItStreamedWhenTheUiFetchesTheSessionMidStream() throws Exception {
        // The UI opens: health, components, the team's sessions.
        assertThat(http.get("/health").status()).isEqualTo(200);
        assertThat(http.get("/teams").status()).isEqualTo(200);
        String dbId = http.get("/teams").json().get(0).get("db_id").asText();
        assertThat(http.get("/sessions?type=team&component_id=crew&db_id=" + dbId).status()).isEqualTo(200);

        List<JsonNode> events = new ArrayList<>();
        try (Sse.Reader stream = new Sse.Reader(openMultipart("/teams/crew/runs", "What is entropy?"))) {
            JsonNode started = stream.until("TeamRunStarted");
            String sessionId = started.get("session_id").asText();
            String runId = started.get("run_id").asText();
            events.add(started);
            events.add(stream.until("RunContent")); // the member's answer has reached the UI
            assertThat(paused.await(10, TimeUnit.SECONDS)).as("the run is held mid-way").isTrue();

            // The UI's fetch of the new session: 404 as AgentOS, so it keeps its live messages.
            Http.Response mid = http.get("/sessions/" + sessionId + "/runs?type=team&db_id=" + dbId);
            assertThat(mid.status()).isEqualTo(404);
            assertThat(mid.json().get("detail").asText()).isEqualTo("Session with ID " + sessionId + " not found");
            // Where Cadre promises runs in progress, they stay visible.
            assertThat(http.get("/runs/" + runId).json().get("status").asText()).isEqualTo("RUNNING");
            assertThat(http.get("/sessions/" + sessionId + "/runs/" + runId).json().get("status").asText())
                    .isEqualTo("RUNNING");
            Http.Response asked = http.get("/sessions/" + sessionId + "/runs?include_running=true");
            assertThat(asked.status()).isEqualTo(200);
            assertThat(asked.json()).anySatisfy(r -> assertThat(r.get("status").asText()).isEqualTo("RUNNING"));

            release.countDown();
            events.addAll(stream.rest());
            assertThat(Sse.names(events)).last().isEqualTo("TeamRunCompleted");

            // After the end the UI's calls see the finished run and the session.
            Http.Response after = http.get("/sessions/" + sessionId + "/runs?type=team&db_id=" + dbId);
            assertThat(after.status()).isEqualTo(200);
            JsonNode teamRun = null;
            for (JsonNode r : after.json()) {
                if (r.get("run_id").asText().equals(runId)) {
                    teamRun = r;
                }
            }
            assertThat(teamRun).as("the team run is listed").isNotNull();
            assertThat(teamRun.get("status").asText()).isEqualTo("COMPLETED");
            assertThat(teamRun.get("run_input").asText()).isEqualTo("What is entropy?");
            assertThat(teamRun.get("content").asText()).isEqualTo("Summary: entropy measures disorder.");
            assertThat(teamRun.get("tools")).isNotEmpty();
            JsonNode listed = http.get("/sessions?type=team&component_id=crew&db_id=" + dbId).json().get("data");
            assertThat(listed).anySatisfy(s -> assertThat(s.get("session_id").asText()).isEqualTo(sessionId));
        }
    }

    /** The browser's FormData post, read as it streams. */
    private InputStream openMultipart(String path, String message) throws Exception {
        String boundary = "----WebKitFormBoundary" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        String body = part(boundary, "message", message) + part(boundary, "stream", "true")
                + part(boundary, "session_id", "") + "--" + boundary + "--\r\n";
        HttpRequest req = HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<InputStream> r = HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    private static String part(String boundary, String name, String value) {
        return "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
    }
}
