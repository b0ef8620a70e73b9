package dev.cadre.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.memory.MemoryStore;
import dev.cadre.memory.UserMemory;
import java.util.List;
import java.util.Optional;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The user-memory routes on the server's db, shaped as AgentOS's. */
class MemoryRoutesTest extends AgainstOneServer {

    private MemoryStore memories;

    @BeforeEach
    void emptyStore() {
        memories = bed.store.memories().orElseThrow();
        var all = memories.list(dev.cadre.memory.MemoryQuery.all().withPage(1, 1000)).items();
        memories.delete(all.stream().map(UserMemory::memoryId).toList(), Optional.empty());
    }

    private String created(String user, String memory, String topics) {
        Http.Response r = http.postJson("/memories", "{\"memory\": \"" + memory + "\", \"user_id\": \"" + user
                + "\", \"topics\": " + topics + "}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("memory_id").asText();
    }

    private static List<String> texts(JsonNode page) {
        return StreamSupport.stream(page.get("data").spliterator(), false).map(m -> m.get("memory").asText()).toList();
    }

    @Test
    void a_created_memory_comes_back_in_agentos_shape() {
        Http.Response r = http.postJson("/memories", "{\"memory\": \"User likes tea\", \"user_id\": \"ada\","
                + " \"topics\": [\"drinks\"]}");

        assertThat(r.status()).isEqualTo(200);
        JsonNode m = r.json();
        assertThat(m.get("memory").asText()).isEqualTo("User likes tea");
        assertThat(m.get("topics").toString()).isEqualTo("[\"drinks\"]");
        assertThat(m.get("user_id").asText()).isEqualTo("ada");
        assertThat(m.get("agent_id").isNull()).isTrue();
        assertThat(m.get("team_id").isNull()).isTrue();
        assertThat(m.get("updated_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(http.get("/memories/" + m.get("memory_id").asText()).json()).isEqualTo(m);
    }

    @Test
    void listings_filter_search_sort_and_page() {
        created("ada", "User likes tea", "[\"drinks\", \"likes\"]");
        created("ada", "User likes coffee", "[\"drinks\"]");
        created("bob", "User plays chess", "[\"hobbies\"]");

        JsonNode page = http.get("/memories?limit=2&page=1&sort_by=memory&sort_order=asc").json();
        assertThat(texts(page)).containsExactly("User likes coffee", "User likes tea");
        assertThat(page.get("meta").get("total_count").asInt()).isEqualTo(3);
        assertThat(page.get("meta").get("total_pages").asInt()).isEqualTo(2);
        assertThat(texts(http.get("/memories?limit=2&page=2&sort_by=memory&sort_order=asc").json()))
                .containsExactly("User plays chess");
        assertThat(texts(http.get("/memories?user_id=bob").json())).containsExactly("User plays chess");
        assertThat(texts(http.get("/memories?topics=drinks,likes").json())).containsExactly("User likes tea");
        assertThat(texts(http.get("/memories?search_content=COFFEE").json())).containsExactly("User likes coffee");
        assertThat(http.get("/memory_topics").body()).isEqualTo("[\"drinks\",\"hobbies\",\"likes\"]");
        assertThat(http.get("/memory_topics?user_id=bob").body()).isEqualTo("[\"hobbies\"]");
    }

    @Test
    void user_stats_count_each_users_memories() {
        created("ada", "one", "[]");
        created("ada", "two", "[]");
        created("bob", "three", "[]");

        JsonNode stats = http.get("/user_memory_stats?limit=5").json();
        assertThat(stats.get("data")).hasSize(2);
        assertThat(stats.get("meta").get("total_count").asInt()).isEqualTo(2);
        JsonNode ada = StreamSupport.stream(stats.get("data").spliterator(), false)
                .filter(s -> s.get("user_id").asText().equals("ada")).findFirst().orElseThrow();
        assertThat(ada.get("total_memories").asInt()).isEqualTo(2);
        assertThat(ada.get("last_memory_updated_at").asText()).endsWith("Z");
        assertThat(http.get("/user_memory_stats?user_id=bob").json().get("data")).hasSize(1);
    }

    @Test
    void an_update_replaces_text_and_topics_and_deletes_remove() {
        String id = created("ada", "User likes tea", "[\"drinks\"]");
        String other = created("ada", "User likes cake", "[]");

        Http.Response updated = http.patchJson("/memories/" + id, "{\"memory\": \"User likes green tea\","
                + " \"user_id\": \"ada\", \"topics\": [\"tea\"]}");
        assertThat(updated.status()).as(updated.body()).isEqualTo(200);
        assertThat(updated.json().get("memory").asText()).isEqualTo("User likes green tea");
        assertThat(updated.json().get("topics").toString()).isEqualTo("[\"tea\"]");
        assertThat(http.patchJson("/memories/" + id, "{\"memory\": \"x\", \"user_id\": \"bob\"}").status())
                .as("another user's memory").isEqualTo(404);
        assertThat(http.patchJson("/memories/nope", "{\"memory\": \"x\", \"user_id\": \"ada\"}").status())
                .isEqualTo(404);

        assertThat(http.delete("/memories/" + id).status()).isEqualTo(204);
        assertThat(http.get("/memories/" + id).status()).isEqualTo(404);
        assertThat(http.deleteJson("/memories", "{\"memory_ids\": [\"" + other + "\"], \"user_id\": \"bob\"}")
                .status()).isEqualTo(204);
        assertThat(memories.get(other, Optional.empty())).as("bob's delete does not reach ada's").isPresent();
        assertThat(http.deleteJson("/memories", "{\"memory_ids\": [\"" + other + "\"]}").status()).isEqualTo(204);
        assertThat(memories.get(other, Optional.empty())).isEmpty();
    }

    @Test
    void a_missing_memory_is_404_naming_it() {
        Http.Response one = http.get("/memories/m-1");
        assertThat(one.status()).isEqualTo(404);
        assertThat(one.json().get("detail").asText()).isEqualTo("Memory with ID m-1 not found");
        assertThat(http.delete("/memories/m-1").status()).as("deleting is idempotent").isEqualTo(204);
        Http.Response optimized = http.postJson("/optimize-memories", "{\"user_id\": \"ada\"}");
        assertThat(optimized.status()).isEqualTo(404);
        assertThat(optimized.json().get("detail").asText()).isEqualTo("No memories found for user ada");
    }

    @Test
    void bad_parameters_and_bodies_are_4xx_naming_what_is_wrong() {
        assertThat(http.postJson("/memories", "{\"memory\": \"likes tea\"}").json().get("detail").asText())
                .isEqualTo("User ID is required");
        Http.Response empty = http.postJson("/memories", "{\"memory\": \"\", \"user_id\": \"ada\"}");
        assertThat(empty.status()).isEqualTo(422);
        assertThat(empty.json().get("detail").get(0).get("loc").toString()).isEqualTo("[\"body\",\"memory\"]");
        assertThat(http.postJson("/memories", "{\"user_id\": \"ada\"}").status()).isEqualTo(422);
        assertThat(http.postJson("/memories", "{\"memory\": \"x\", \"user_id\": \"ada\", \"topics\": \"tea\"}")
                .status()).isEqualTo(422);
        Http.Response sort = http.get("/memories?sort_by=colour");
        assertThat(sort.status()).isEqualTo(422);
        assertThat(sort.json().get("detail").get(0).get("msg").asText()).contains("updated_at", "memory");
        assertThat(http.get("/memories?limit=0").status()).isEqualTo(422);
        assertThat(http.get("/memories?sort_order=up").status()).isEqualTo(422);
        assertThat(http.get("/user_memory_stats?page=x").status()).isEqualTo(422);
        assertThat(http.deleteJson("/memories", "{\"memory_ids\": []}").status()).isEqualTo(422);
        assertThat(http.postJson("/optimize-memories", "{}").status()).isEqualTo(422);
    }
}
