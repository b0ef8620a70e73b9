package dev.cadre.server;

import static dev.cadre.server.Http.form;
import static dev.cadre.server.JwtServerTest.SECRET;
import static dev.cadre.server.JwtServerTest.token;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.db.SessionRecord;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Under JWT with user isolation, the session writes, the metrics and the memory routes keep each user to their
 * own data, and each route asks for AgentOS's scope.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JwtSessionRoutesTest {

    static final String[] SCOPES = {"agents:read", "agents:run", "teams:read", "teams:run", "sessions:read",
        "sessions:write", "sessions:delete", "metrics:read", "memories:read", "memories:write", "memories:delete"};

    private TestBed bed;
    private Http alice;
    private Http bob;
    private Http admin;

    @BeforeAll
    void start() {
        bed = new TestBed(b -> b.jwt(JwtAuth.builder().verificationKey(SECRET).build()));
        alice = bed.as(token("alice", SCOPES));
        bob = bed.as(token("bob", SCOPES));
        admin = bed.as(token("root", "agent_os:admin"));
    }

    @AfterAll
    void stop() {
        bed.close();
    }

    private String alicesSession() {
        String id = "s-" + UUID.randomUUID();
        Http.Response r = alice.postJson("/sessions?type=agent", "{\"session_id\": \"" + id + "\", \"agent_id\":"
                + " \"echo\", \"user_id\": \"bob\", \"session_name\": \"Alice private\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return id;
    }

    @Test
    void a_created_session_belongs_to_the_tokens_user_whatever_the_body_says() {
        String id = alicesSession();

        assertThat(bed.store.getSession(id).flatMap(SessionRecord::userId)).contains("alice");
        assertThat(alice.get("/sessions/" + id).json().get("user_id").asText()).isEqualTo("alice");
    }

    @Test
    void another_user_cannot_see_update_or_bulk_delete_it() {
        String id = alicesSession();

        assertThat(bob.get("/sessions?session_name=alice").json().get("data")).isEmpty();
        assertThat(bob.patchJson("/sessions/" + id, "{\"session_name\": \"taken\"}").status()).isEqualTo(404);
        assertThat(bob.deleteJson("/sessions", "{\"session_ids\": [\"" + id + "\"], \"session_types\": [\"agent\"]}")
                .status()).isEqualTo(204);
        assertThat(bed.store.getSession(id).flatMap(SessionRecord::name)).contains("Alice private");

        assertThat(alice.patchJson("/sessions/" + id, "{\"metadata\": {\"k\": 1}}").status()).isEqualTo(200);
        assertThat(alice.deleteJson("/sessions", "{\"session_ids\": [\"" + id + "\"], \"session_types\": [\"agent\"]}")
                .status()).isEqualTo(204);
        assertThat(bed.store.getSession(id)).isEmpty();
    }

    @Test
    void metrics_count_only_the_callers_own_runs_and_an_admin_sees_all() {
        alice.postForm("/agents/echo/runs", form("message", "counted for alice", "stream", "false"));
        bob.postForm("/agents/echo/runs", form("message", "counted for bob", "stream", "false"));

        JsonNode mine = alice.get("/metrics").json().get("metrics");
        JsonNode all = admin.get("/metrics").json().get("metrics");

        assertThat(mine.findValuesAsText("users_count")).containsOnly("1");
        long aliceRuns = mine.findValues("agent_runs_count").stream().mapToLong(JsonNode::asLong).sum();
        long allRuns = all.findValues("agent_runs_count").stream().mapToLong(JsonNode::asLong).sum();
        assertThat(aliceRuns).isPositive().isLessThan(allRuns);
        assertThat(mine.get(0).get("id").asText()).isNotEqualTo(all.get(0).get("id").asText());
    }

    @Test
    void the_new_routes_need_agentos_scopes() {
        Http sessionsOnly = bed.as(token("carol", "sessions:read"));

        Http.Response metrics = sessionsOnly.get("/metrics");
        assertThat(metrics.status()).isEqualTo(403);
        assertThat(metrics.json().get("detail").asText()).endsWith("metrics:read");
        assertThat(sessionsOnly.get("/memories").status()).isEqualTo(403);
        assertThat(sessionsOnly.postJson("/sessions", "{\"agent_id\": \"echo\"}").status()).isEqualTo(403);
        assertThat(sessionsOnly.patchJson("/sessions/x", "{}").status()).isEqualTo(403);
        assertThat(sessionsOnly.deleteJson("/sessions", "{}").status()).isEqualTo(403);
        assertThat(bed.as(token("carol", "memories:read")).get("/memories").status()).isEqualTo(200);
    }

    @Test
    void each_user_reaches_only_their_own_memories_and_an_admin_all() {
        Http.Response created = alice.postJson("/memories", "{\"memory\": \"User likes tea\", \"user_id\": \"bob\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        assertThat(created.json().get("user_id").asText()).as("the token's user, whatever the body says")
                .isEqualTo("alice");
        String id = created.json().get("memory_id").asText();

        assertThat(bob.get("/memories?user_id=alice").json().get("data")).isEmpty();
        assertThat(bob.get("/memories/" + id).status()).isEqualTo(404);
        assertThat(bob.patchJson("/memories/" + id, "{\"memory\": \"taken\"}").status()).isEqualTo(404);
        assertThat(bob.delete("/memories/" + id).status()).isEqualTo(204);
        assertThat(bob.deleteJson("/memories", "{\"memory_ids\": [\"" + id + "\"]}").status()).isEqualTo(204);
        assertThat(bob.get("/memory_topics").body()).isEqualTo("[]");
        assertThat(bob.get("/user_memory_stats").json().get("data")).isEmpty();

        assertThat(alice.get("/memories/" + id).json().get("memory").asText()).isEqualTo("User likes tea");
        assertThat(admin.get("/memories?user_id=alice").json().get("data")).hasSize(1);
        assertThat(alice.patchJson("/memories/" + id, "{\"memory\": \"User likes green tea\"}").status())
                .isEqualTo(200);
        assertThat(alice.delete("/memories/" + id).status()).isEqualTo(204);
        assertThat(admin.get("/memories/" + id).status()).isEqualTo(404);
    }
}
