package dev.cadre.server;

import static dev.cadre.server.Http.form;
import static dev.cadre.server.JwtServerTest.SECRET;
import static dev.cadre.server.JwtServerTest.token;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.RunManager;
import dev.cadre.db.InMemoryDb;
import dev.cadre.testkit.FakeOpenAIServer;
import dev.cadre.testkit.RecordedRequest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Under JWT with user isolation, a memory-enabled agent's runs write their memories to the token's user, whatever
 * the form says, and a user's next run is given only that user's memories.
 */
class JwtMemoryRunsTest {

    private static final String[] SCOPES = {"agents:run", "memories:read"};

    private final InMemoryDb store = new InMemoryDb();
    private final RunManager runManager = RunManager.builder().build();
    private FakeOpenAIServer openai;
    private CadreServer server;

    @BeforeEach
    void start() {
        openai = FakeOpenAIServer.start();
        server = CadreServer.builder().agents(MemoryRunsTest.friend(openai, store, runManager)).db(store)
                .runManager(runManager).port(0)
                .jwt(JwtAuth.builder().verificationKey(SECRET).build()).build().start();
    }

    @AfterEach
    void stop() {
        server.stop(Duration.ofSeconds(5));
        openai.close();
        runManager.close();
    }

    private Http as(String user) {
        return new Http(server.baseUrl()).header("Authorization", "Bearer " + token(user, SCOPES));
    }

    @Test
    void a_runs_memories_belong_to_the_tokens_user_not_the_one_the_form_names() {
        Http alice = as("alice");
        Http bob = as("bob");

        Http.Response run = alice.postForm("/agents/friend/runs", form("message", "remember: User's name is Alice",
                "stream", "false", "user_id", "bob"));
        assertThat(run.status()).as(run.body()).isEqualTo(200);

        JsonNode alices = alice.get("/memories").json().get("data");
        assertThat(alices).hasSize(1);
        assertThat(alices.get(0).get("memory").asText()).isEqualTo("User's name is Alice");
        assertThat(alices.get(0).get("user_id").asText()).isEqualTo("alice");
        assertThat(bob.get("/memories").json().get("data")).as("the form's user_id does not reach bob").isEmpty();
        assertThat(store.memories().orElseThrow().ofUser("bob")).isEmpty();
    }

    @Test
    void a_users_next_run_is_given_their_own_memories_and_no_one_elses() {
        Http alice = as("alice");
        Http bob = as("bob");
        alice.postForm("/agents/friend/runs", form("message", "remember: User's name is Alice", "stream", "false"));

        bob.postForm("/agents/friend/runs", form("message", "Who is bob?", "stream", "false", "user_id", "alice"));
        alice.postForm("/agents/friend/runs", form("message", "Who is alice?", "stream", "false"));

        List<RecordedRequest> answers = openai.requests().stream().filter(r -> !r.hasTool("add_memory")).toList();
        RecordedRequest bobs = answers.stream().filter(r -> r.lastUserMessage().orElse("").equals("Who is bob?"))
                .findFirst().orElseThrow();
        RecordedRequest alices = answers.stream()
                .filter(r -> r.lastUserMessage().orElse("").equals("Who is alice?")).findFirst().orElseThrow();
        assertThat(bobs.rawBody()).doesNotContain("User's name is Alice");
        assertThat(alices.rawBody()).contains("<memories_from_previous_interactions>", "User's name is Alice");
    }
}
