package dev.cadre.server;

import static dev.cadre.server.Http.form;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.Agent;
import dev.cadre.RunManager;
import dev.cadre.db.InMemoryDb;
import dev.cadre.openai.OpenAIChat;
import dev.cadre.testkit.FakeOpenAIServer;
import dev.cadre.testkit.RecordedRequest;
import dev.cadre.testkit.Reply;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An agent with user memories behind the server, on the fake OpenAI server through the real client: its runs write
 * what the memory routes then list, its streams carry the memory events, and its next run's prompt has them.
 */
class MemoryRunsTest {

    private final InMemoryDb store = new InMemoryDb();
    private final RunManager runManager = RunManager.builder().build();
    private FakeOpenAIServer openai;
    private CadreServer server;
    private Http http;

    /** The agent of these tests: user memories on, its model the fake answering as {@link #reply}. */
    static Agent friend(FakeOpenAIServer openai, InMemoryDb store, RunManager runManager) {
        openai.dispatcher(MemoryRunsTest::reply);
        return Agent.builder().id("friend").name("Friend")
                .model(OpenAIChat.builder().id("gpt-4o").apiKey("sk-test").baseUrl(openai.baseUrl()).build())
                .db(store).runManager(runManager).enableUserMemories(true).build();
    }

    @BeforeEach
    void start() {
        openai = FakeOpenAIServer.start();
        server = CadreServer.builder().agents(friend(openai, store, runManager)).db(store).runManager(runManager)
                .port(0).heartbeat(Duration.ofMillis(100)).build().start();
        http = new Http(server.baseUrl());
    }

    @AfterEach
    void stop() {
        server.stop(Duration.ofSeconds(5));
        openai.close();
        runManager.close();
    }

    /** The memory step adds what follows "remember:"; the agent itself answers "ok". */
    static Reply reply(RecordedRequest r) {
        String msg = r.lastUserMessage().orElse("");
        if (r.hasTool("add_memory")) {
            if (r.isAfterToolResult() || !msg.contains("remember:")) {
                return Reply.text("done");
            }
            String fact = msg.substring(msg.indexOf("remember:") + 9).strip();
            return Reply.toolCall("add_memory", "{\"memory\":\"" + fact + "\",\"topics\":[\"facts\"]}");
        }
        return Reply.text("ok");
    }

    @Test
    void a_run_of_a_user_writes_a_memory_the_routes_list_and_the_next_prompt_shows() {
        Http.Response run = http.postForm("/agents/friend/runs", form("message", "remember: User's name is Ada",
                "stream", "false", "user_id", "ada"));
        assertThat(run.status()).as(run.body()).isEqualTo(200);

        JsonNode page = http.get("/memories?user_id=ada").json();
        assertThat(page.get("data")).hasSize(1);
        JsonNode m = page.get("data").get(0);
        assertThat(m.get("memory").asText()).isEqualTo("User's name is Ada");
        assertThat(m.get("agent_id").asText()).isEqualTo("friend");
        assertThat(m.get("topics").toString()).isEqualTo("[\"facts\"]");

        http.postForm("/agents/friend/runs", form("message", "Who am I?", "stream", "false", "user_id", "ada"));
        List<RecordedRequest> asked = openai.requests().stream().filter(r -> !r.hasTool("add_memory")).toList();
        assertThat(asked.getLast().rawBody()).contains("<memories_from_previous_interactions>",
                "User's name is Ada");
    }

    @Test
    void the_agent_shows_its_memory_settings_as_agentos_does() {
        JsonNode memory = http.get("/agents/friend").json().get("memory");

        assertThat(memory.get("update_memory_on_run").asBoolean()).isTrue();
        assertThat(memory.get("memory_table").asText()).isEqualTo(store.id());
        assertThat(memory.get("model").get("model").asText()).isEqualTo("gpt-4o");
    }

    @Test
    void a_streamed_run_sends_the_memory_events_before_its_completion() {
        Http.Response run = http.postForm("/agents/friend/runs", form("message", "remember: User likes tea",
                "stream", "true", "user_id", "ada"));

        List<JsonNode> events = Sse.lineBased(run.body());
        List<String> names = Sse.names(events);
        assertThat(names.subList(names.size() - 4, names.size())).containsExactly("RunContentCompleted",
                "MemoryUpdateStarted", "MemoryUpdateCompleted", "RunCompleted");
        JsonNode completed = events.get(events.size() - 2);
        assertThat(completed.get("memories").get(0).get("memory").asText()).isEqualTo("User likes tea");
        assertThat(completed.get("memories").get(0).get("user_id").asText()).isEqualTo("ada");
    }
}
