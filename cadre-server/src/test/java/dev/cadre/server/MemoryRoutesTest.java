package dev.cadre.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** The user-memory routes answer as AgentOS does for a deployment without user memories: Cadre keeps none. */
class MemoryRoutesTest extends AgainstOneServer {

    @Test
    void listings_are_empty_pages_with_agentos_meta() {
        JsonNode page = http.get("/memories?limit=20&page=1&sort_by=updated_at&sort_order=desc").json();
        assertThat(page.get("data")).isEmpty();
        assertThat(page.get("meta").toString()).isEqualTo(
                "{\"page\":1,\"limit\":20,\"total_pages\":0,\"total_count\":0,\"search_time_ms\":0.0}");

        JsonNode stats = http.get("/user_memory_stats?limit=5&page=2").json();
        assertThat(stats.get("data")).isEmpty();
        assertThat(stats.get("meta").get("limit").asInt()).isEqualTo(5);
        assertThat(stats.get("meta").get("page").asInt()).isEqualTo(2);
        assertThat(http.get("/memory_topics").body()).isEqualTo("[]");
    }

    @Test
    void a_memory_is_never_found_and_deleting_finds_nothing_to_delete() {
        Http.Response one = http.get("/memories/m-1");
        assertThat(one.status()).isEqualTo(404);
        assertThat(one.json().get("detail").asText()).isEqualTo("Memory with ID m-1 not found");
        assertThat(http.delete("/memories/m-1").status()).isEqualTo(204);
        assertThat(http.deleteJson("/memories", "{\"memory_ids\": [\"m-1\", \"m-2\"]}").status()).isEqualTo(204);
        assertThat(http.patchJson("/memories/m-1", "{\"memory\": \"likes tea\", \"user_id\": \"ada\"}").status())
                .isEqualTo(404);
        Http.Response optimized = http.postJson("/optimize-memories", "{\"user_id\": \"ada\"}");
        assertThat(optimized.status()).isEqualTo(404);
        assertThat(optimized.json().get("detail").asText()).isEqualTo("No memories found for user ada");
    }

    @Test
    void a_new_memory_is_refused_plainly_after_its_body_is_checked() {
        Http.Response created = http.postJson("/memories", "{\"memory\": \"likes tea\", \"user_id\": \"ada\"}");
        assertThat(created.status()).isEqualTo(501);
        assertThat(created.json().get("detail").asText()).contains("keeps no user memories");
        assertThat(http.postJson("/memories", "{\"memory\": \"likes tea\"}").status()).as("no user").isEqualTo(400);
        assertThat(http.postJson("/memories", "{\"memory\": \"\", \"user_id\": \"ada\"}").status()).isEqualTo(422);
        assertThat(http.postJson("/memories", "{\"user_id\": \"ada\"}").status()).isEqualTo(422);
    }

    @Test
    void bad_parameters_and_bodies_are_422() {
        assertThat(http.get("/memories?limit=0").status()).isEqualTo(422);
        assertThat(http.get("/memories?sort_order=up").status()).isEqualTo(422);
        assertThat(http.get("/user_memory_stats?page=x").status()).isEqualTo(422);
        assertThat(http.deleteJson("/memories", "{\"memory_ids\": []}").status()).isEqualTo(422);
        assertThat(http.postJson("/optimize-memories", "{}").status()).isEqualTo(422);
    }
}
