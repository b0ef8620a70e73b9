package dev.cadre.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cadre.RunManager;
import dev.cadre.db.Db;
import dev.cadre.examples.OfflineScripts;
import dev.cadre.run.RunStatus;
import dev.cadre.testkit.FakeOpenAIServer;
import dev.cadre.testkit.Reply;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The seed scenario through the starter, over the application's REST API: the ResearchTeam on OpenAI's real SDK
 * against a fake OpenAI server that answers with the seed's scripted replies, stored in SQLite in a temporary
 * directory.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ResearchApplicationTest {

    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final String THERMODYNAMICS = "What are the three laws of thermodynamics? Summarize each in one "
            + "sentence.";
    /** A question the fake server never answers until the client aborts: the run to cancel. */
    private static final String ENDLESS = "Write a very long essay on the history of AI.";

    private static final FakeOpenAIServer OPENAI = FakeOpenAIServer.start();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    @LocalServerPort
    int port;

    @Autowired
    Db db;

    @Autowired
    RunManager runs;

    private final HttpClient http = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void cadre(DynamicPropertyRegistry properties) {
        properties.add("cadre.db", () -> "sqlite:" + dir.resolve("research.db"));
        properties.add("cadre.models.default.base-url", OPENAI::baseUrl);
        properties.add("cadre.models.default.api-key", () -> "sk-test");
    }

    @BeforeAll
    static void script() {
        var seed = OfflineScripts.dispatcher(new OfflineScripts.Pacing(Duration.ZERO, Duration.ZERO));
        OPENAI.dispatcher(request -> request.lastUserMessage().filter(m -> m.contains(ENDLESS)).isPresent()
                ? Reply.stall() : seed.apply(request));
    }

    @AfterAll
    static void stopServer() {
        OPENAI.close();
    }

    @Test
    void a_blocking_team_run_completes_and_is_stored_with_its_member_runs() throws Exception {
        JsonNode run = post("/research", THERMODYNAMICS);

        assertThat(run.get("status").asText()).isEqualTo("COMPLETED");
        assertThat(run.get("content").asText()).contains("First law").contains("Third law");
        String runId = run.get("runId").asText();
        assertThat(db.getRun(runId)).hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(RunStatus.COMPLETED));
        assertThat(db.listRuns(run.get("sessionId").asText())).singleElement()
                .isInstanceOfSatisfying(dev.cadre.run.TeamRunOutput.class, team -> assertThat(team.memberResponses())
                        .extracting(dev.cadre.run.RunResult::status)
                        .containsExactly(RunStatus.COMPLETED, RunStatus.COMPLETED)); // the Researcher's, the Writer's
    }

    @Test
    void a_background_run_answers_pending_and_is_polled_to_completed() throws Exception {
        JsonNode pending = post("/research/background", THERMODYNAMICS);
        assertThat(pending.get("status").asText()).isEqualTo("PENDING");
        String runId = pending.get("runId").asText();
        String sessionId = pending.get("sessionId").asText();

        assertThat(poll(runId, sessionId).get("status").asText()).isIn("PENDING", "RUNNING", "COMPLETED");
        assertThat(runs.awaitRun(runId, BOUND)).isTrue();

        JsonNode done = poll(runId, sessionId);
        assertThat(done.get("status").asText()).isEqualTo("COMPLETED");
        assertThat(done.get("content").asText()).contains("Second law");
    }

    @Test
    void a_cancelled_run_ends_cancelled_for_good() throws Exception {
        JsonNode pending = post("/research/background", ENDLESS);
        String runId = pending.get("runId").asText();
        OPENAI.awaitRequest(r -> r.lastUserMessage().filter(m -> m.contains(ENDLESS)).isPresent(), 1, BOUND);

        JsonNode cancel = send(HttpRequest.newBuilder(uri("/research/" + runId + "/cancel"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), 200);
        assertThat(cancel.get("outcome").asText()).isIn("CANCELLED", "REQUESTED");
        assertThat(runs.awaitRun(runId, BOUND)).isTrue();

        assertThat(poll(runId, pending.get("sessionId").asText()).get("status").asText()).isEqualTo("CANCELLED");
        assertThat(db.getRun(runId)).hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(RunStatus.CANCELLED));
    }

    @Test
    void a_request_without_a_question_is_a_400_that_says_what_is_missing() throws Exception {
        JsonNode problem = send(HttpRequest.newBuilder(uri("/research")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), 400);
        assertThat(problem.get("detail").asText()).startsWith("question is required");
    }

    @Test
    void actuator_health_reports_cadre_up() throws Exception {
        JsonNode health = send(HttpRequest.newBuilder(uri("/actuator/health")).build(), 200);
        assertThat(health.at("/components/cadre/status").asText()).isEqualTo("UP");
        assertThat(health.at("/components/cadre/details/store").asText()).isNotEmpty();
    }

    private JsonNode post(String path, String question) throws Exception {
        String body = JSON.writeValueAsString(java.util.Map.of("question", question));
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), 200);
    }

    private JsonNode poll(String runId, String sessionId) throws Exception {
        return send(HttpRequest.newBuilder(uri("/research/" + runId + "?sessionId=" + sessionId)).build(), 200);
    }

    private JsonNode send(HttpRequest request, int status) throws Exception {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return JSON.readTree(response.body());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}
