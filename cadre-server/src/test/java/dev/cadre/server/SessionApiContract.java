package dev.cadre.server;

import static dev.cadre.server.Http.form;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.db.SessionRecord;
import dev.cadre.db.SessionType;
import dev.cadre.db.Db;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The session routes end to end over HTTP, answering as AgentOS does: listing order, name filter and token
 * totals; create, update and bulk delete; a session's runs with its member runs and without the runs still going;
 * the session detail. Every store must behave the same; subclasses run this on each.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SessionApiContract {

    static final Instant T0 = Instant.parse("2026-03-04T05:06:07Z");

    protected TestBed bed;
    protected Http http;

    protected abstract Db newStore();

    @BeforeAll
    void start() {
        bed = new TestBed(newStore(), b -> { });
        http = bed.http;
    }

    @AfterAll
    void stop() {
        if (bed != null) {
            bed.close();
        }
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A finished team run in which the leader handed the writer a task: the session id. */
    String handoff(String user) {
        return handoff(user, unique("[team] plan"));
    }

    String handoff(String user, String message) {
        return http.postForm("/teams/crew/runs", form("message", message, "stream", "false", "user_id", user)).json()
                .get("session_id").asText();
    }

    /** Sessions of {@code user} saved straight into the store with these creation and update times (seconds). */
    void sessionsAt(String user, String... idCreatedUpdated) {
        for (int i = 0; i < idCreatedUpdated.length; i += 3) {
            bed.store.saveSession(new SessionRecord(idCreatedUpdated[i], SessionType.AGENT, "echo", Optional.of(user),
                    Optional.of("Name of " + idCreatedUpdated[i]),
                    T0.plusSeconds(Long.parseLong(idCreatedUpdated[i + 1])),
                    T0.plusSeconds(Long.parseLong(idCreatedUpdated[i + 2]))));
        }
    }

    List<String> listed(String query) {
        Http.Response r = http.get("/sessions?" + query);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("data").findValuesAsText("session_id");
    }

    static void assertInvalid(Http.Response r, String... loc) {
        assertThat(r.status()).as(r.body()).isEqualTo(422);
        List<String> actual = new ArrayList<>();
        r.json().get("detail").get(0).get("loc").forEach(n -> actual.add(n.asText()));
        assertThat(actual).containsExactly(loc);
    }

    @Test
    void sort_order_and_sort_by_are_honoured_with_ties_in_a_stable_order() {
        String u = unique("sorter");
        sessionsAt(u, u + "-a", "0", "50", u + "-b", "10", "20", u + "-c", "10", "30", u + "-d", "20", "25");

        List<String> newest = listed("user_id=" + u);
        assertThat(newest).containsExactly(u + "-d", u + "-b", u + "-c", u + "-a");
        assertThat(listed("user_id=" + u + "&sort_by=created_at&sort_order=asc")).containsExactlyElementsOf(
                newest.reversed());
        assertThat(listed("user_id=" + u + "&sort_by=updated_at")).containsExactly(u + "-a", u + "-c", u + "-d",
                u + "-b");
        assertThat(listed("user_id=" + u + "&sort_by=updated_at&sort_order=asc")).containsExactly(u + "-b", u + "-d",
                u + "-c", u + "-a");
        assertThat(listed("user_id=" + u + "&sort_by=session_name")).as("other fields list by creation")
                .containsExactlyElementsOf(newest);
        List<String> paged = new ArrayList<>();
        for (int page = 1; page <= 4; page++) {
            paged.addAll(listed("user_id=" + u + "&sort_order=asc&limit=1&page=" + page));
        }
        assertThat(paged).containsExactlyElementsOf(newest.reversed());
        assertInvalid(http.get("/sessions?sort_order=sideways"), "query", "sort_order");
    }

    @Test
    void session_name_filters_by_a_case_blind_part_of_the_name() {
        String u = unique("namer");
        sessionsAt(u, u + "-x", "0", "0", u + "-y", "1", "1");
        bed.store.renameSession(u + "-y", "Quarterly REPORT");

        assertThat(listed("user_id=" + u + "&session_name=report")).containsExactly(u + "-y");
        assertThat(listed("user_id=" + u + "&session_name=NAME%20OF")).containsExactly(u + "-x");
        JsonNode page = http.get("/sessions?user_id=" + u + "&session_name=zzz").json();
        assertThat(page.get("data")).isEmpty();
        assertThat(page.get("meta").get("total_count").asInt()).isZero();
    }

    @Test
    void a_listing_carries_each_sessions_token_totals_per_model() {
        String u = unique("counter");
        String sessionId = handoff(u);
        JsonNode runs = http.get("/sessions/" + sessionId + "/runs").json();
        long sum = 0;
        for (JsonNode run : runs) {
            sum += run.get("metrics").get("total_tokens").asLong();
        }

        JsonNode item = http.get("/sessions?user_id=" + u).json().get("data").get(0);

        assertThat(sum).isPositive();
        assertThat(item.get("total_tokens").asLong()).isEqualTo(sum);
        JsonNode metrics = item.get("metrics");
        assertThat(metrics.get("total_tokens").asLong()).isEqualTo(sum);
        assertThat(metrics.get("input_tokens").asLong() + metrics.get("output_tokens").asLong()).isEqualTo(sum);
        JsonNode models = metrics.get("details").get("model");
        assertThat(models.findValuesAsText("id")).containsExactly("gpt-4o", "gpt-5.2-mini");
        assertThat(models.findValuesAsText("provider")).as("as AgentOS names them: provider and API")
                .containsExactly("OpenAI Chat", "OpenAI Responses");
        assertThat(item.get("session_state").isObject()).isTrue();
        assertThat(item.get("team_id").asText()).isEqualTo("crew");
    }

    @Test
    void a_created_session_answers_201_with_its_detail_and_takes_runs() {
        String id = unique("created");
        Http.Response created = http.postJson("/sessions?type=team", "{\"session_id\": \"" + id + "\","
                + " \"session_name\": \"Planning\", \"session_state\": {\"step\": 1}, \"metadata\": {\"src\": \"api\"},"
                + " \"user_id\": \"ada\", \"team_id\": \"crew\", \"agent_id\": null, \"workflow_id\": null}");

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode n = created.json();
        assertThat(n.get("session_id").asText()).isEqualTo(id);
        assertThat(n.get("session_name").asText()).isEqualTo("Planning");
        assertThat(n.get("team_id").asText()).isEqualTo("crew");
        assertThat(n.get("user_id").asText()).isEqualTo("ada");
        assertThat(n.get("session_state").get("step").asInt()).isEqualTo(1);
        assertThat(n.get("metadata").get("src").asText()).isEqualTo("api");
        assertThat(n.get("metrics").isEmpty()).isTrue();
        assertThat(n.get("chat_history").isEmpty()).isTrue();
        assertThat(n.has("team_data")).as("AgentOS has none before a run").isFalse();
        assertThat(n.get("created_at").asText()).endsWith("Z");

        http.postForm("/teams/crew/runs", form("message", "hello", "stream", "false", "session_id", id));
        JsonNode detail = http.get("/sessions/" + id).json();
        assertThat(detail.get("session_name").asText()).isEqualTo("Planning");
        assertThat(detail.get("session_state").get("step").asInt()).isEqualTo(1);
        assertThat(detail.get("team_data").get("name").asText()).isEqualTo("Crew");
    }

    @Test
    void creating_is_refused_for_a_taken_id_an_unknown_component_or_a_bad_body() {
        String id = unique("taken");
        assertThat(http.postJson("/sessions?type=agent", "{\"session_id\": \"" + id + "\", \"agent_id\": \"echo\"}")
                .status()).isEqualTo(201);
        Http.Response again = http.postJson("/sessions?type=agent", "{\"session_id\": \"" + id + "\","
                + " \"agent_id\": \"echo\"}");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("detail").asText()).contains(id).contains("PATCH");

        assertThat(http.postJson("/sessions?type=team", "{\"team_id\": \"nope\"}").status()).isEqualTo(404);
        assertThat(http.postJson("/sessions", "{\"agent_id\": \"crew\"}").status()).as("crew is a team")
                .isEqualTo(404);
        assertInvalid(http.postJson("/sessions?type=team", "{\"agent_id\": \"echo\"}"), "body", "team_id");
        assertInvalid(http.postJson("/sessions?type=workflow", "{}"), "query", "type");
        assertInvalid(http.postJson("/sessions", "{\"agent_id\": \"echo\", \"session_state\": [1]}"), "body",
                "session_state");
        assertInvalid(http.postJson("/sessions", "{\"agent_id\": \"echo\", \"session_id\": \"a\\u0001b\"}"), "body",
                "session_id");
        assertInvalid(http.postJson("/sessions", "[1, 2]"), "body");
        assertInvalid(http.postJson("/sessions", "{\"agent_id\": "), "body");
        JsonNode defaults = http.postJson("/sessions", "{\"agent_id\": \"echo\"}").json();
        assertThat(defaults.get("agent_session_id").asText()).isEqualTo(defaults.get("session_id").asText());
        assertThat(defaults.get("session_state").isEmpty()).isTrue();
        assertThat(defaults.has("metadata")).isFalse();
    }

    @Test
    void patch_stores_name_state_metadata_and_summary_and_answers_the_detail() {
        String sessionId = handoff(unique("patcher"));

        Http.Response r = http.patchJson("/sessions/" + sessionId + "?type=team", "{\"session_name\": \"Patched\","
                + " \"session_state\": {\"stage\": \"review\"}, \"metadata\": {\"tag\": \"q3\"},"
                + " \"summary\": {\"summary\": \"A plan was written\", \"topics\": [\"plans\"]}}");

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode n = r.json();
        assertThat(n.get("session_name").asText()).isEqualTo("Patched");
        assertThat(n.get("session_state").get("stage").asText()).isEqualTo("review");
        assertThat(n.get("metadata").get("tag").asText()).isEqualTo("q3");
        assertThat(n.get("session_summary").get("summary").asText()).isEqualTo("A plan was written");
        assertThat(n.get("total_tokens").asLong()).isPositive();
        JsonNode again = http.get("/sessions/" + sessionId).json();
        assertThat(again.get("session_state")).isEqualTo(n.get("session_state"));
        assertThat(again.get("session_summary")).isEqualTo(n.get("session_summary"));

        JsonNode unchanged = http.patchJson("/sessions/" + sessionId, "{}").json();
        assertThat(unchanged.get("session_name").asText()).isEqualTo("Patched");
        assertThat(unchanged.get("metadata").get("tag").asText()).isEqualTo("q3");
    }

    @Test
    void patch_is_404_for_an_unknown_session_and_422_for_a_bad_body() {
        String sessionId = handoff(unique("badpatch"));

        assertThat(http.patchJson("/sessions/nope-" + UUID.randomUUID(), "{\"session_name\": \"x\"}").status())
                .isEqualTo(404);
        assertInvalid(http.patchJson("/sessions/" + sessionId, ""), "body");
        assertInvalid(http.patchJson("/sessions/" + sessionId, "not json"), "body");
        assertInvalid(http.patchJson("/sessions/" + sessionId, "{\"session_state\": \"x\"}"), "body", "session_state");
        assertInvalid(http.patchJson("/sessions/" + sessionId, "{\"metadata\": 3}"), "body", "metadata");
        assertInvalid(http.patchJson("/sessions/" + sessionId, "{\"session_name\": 5}"), "body", "session_name");
        assertInvalid(http.patchJson("/sessions/" + sessionId, "{\"summary\": {\"topics\": []}}"), "body", "summary",
                "summary");
        assertInvalid(http.patchJson("/sessions/" + sessionId, "{\"summary\": {\"summary\": \"s\", \"x\": 1}}"),
                "body", "summary", "x");
        assertInvalid(http.patchJson("/sessions/" + sessionId, "{\"metadata\": {\"k\": \"a\\u0000b\"}}"), "body",
                "metadata");
        assertThat(http.get("/sessions/" + sessionId).json().has("metadata")).isFalse();
    }

    @Test
    void a_bulk_delete_removes_the_listed_sessions_and_checks_its_body() {
        String a = handoff(unique("bulk"));
        String b = handoff(unique("bulk"));
        String kept = handoff(unique("bulk"));

        Http.Response r = http.deleteJson("/sessions", "{\"session_ids\": [\"" + a + "\", \"" + b
                + "\", \"nope\"], \"session_types\": [\"team\", \"team\", \"agent\"]}");

        assertThat(r.status()).as(r.body()).isEqualTo(204);
        assertThat(http.get("/sessions/" + a).status()).isEqualTo(404);
        assertThat(http.get("/sessions/" + b + "/runs").status()).isEqualTo(404);
        assertThat(http.get("/sessions/" + kept).status()).isEqualTo(200);
        Http.Response uneven = http.deleteJson("/sessions", "{\"session_ids\": [\"" + kept + "\"],"
                + " \"session_types\": [\"team\", \"team\"]}");
        assertThat(uneven.status()).isEqualTo(400);
        assertThat(uneven.json().get("detail").asText()).isEqualTo(
                "Session IDs and session types must have the same length");
        assertInvalid(http.deleteJson("/sessions", "{\"session_ids\": [], \"session_types\": []}"), "body",
                "session_ids");
        assertInvalid(http.deleteJson("/sessions", "{\"session_ids\": [\"" + kept + "\"]}"), "body", "session_types");
        assertInvalid(http.deleteJson("/sessions", "{\"session_ids\": [\"" + kept + "\"], \"session_types\":"
                + " [\"crowd\"]}"), "body", "session_types", "0");
        assertInvalid(http.deleteJson("/sessions", ""), "body");
        assertThat(http.get("/sessions/" + kept).status()).isEqualTo(200);
    }

    @Test
    void a_sessions_runs_list_each_member_run_before_its_team_run() {
        String sessionId = handoff(unique("members"));
        http.postForm("/teams/crew/runs", form("message", "[team] again", "stream", "false", "session_id",
                sessionId));

        JsonNode runs = http.get("/sessions/" + sessionId + "/runs?type=team").json();

        assertThat(runs).hasSize(4);
        assertThat(runs.get(0).get("agent_id").asText()).isEqualTo("writer");
        assertThat(runs.get(0).get("parent_run_id").asText()).isEqualTo(runs.get(1).get("run_id").asText());
        assertThat(runs.get(1).get("team_id").asText()).isEqualTo("crew");
        assertThat(runs.get(1).get("parent_run_id").asText()).isEmpty();
        assertThat(runs.get(2).get("parent_run_id").asText()).isEqualTo(runs.get(3).get("run_id").asText());
        assertThat(runs.get(3).get("run_input").asText()).isEqualTo("[team] again");
    }

    @Test
    void while_the_first_run_streams_its_session_has_no_runs_to_list_unless_asked() throws Exception {
        HttpResponse<InputStream> response = http.openForm("/agents/echo/runs", form("message", unique("[stall] new")));
        try (Sse.Reader events = new Sse.Reader(response.body())) {
            JsonNode started = events.until("RunStarted");
            String sessionId = started.get("session_id").asText();
            String runId = started.get("run_id").asText();

            Http.Response history = http.get("/sessions/" + sessionId + "/runs?type=agent");
            assertThat(history.status()).isEqualTo(404);
            assertThat(history.json().get("detail").asText()).isEqualTo("Session with ID " + sessionId + " not found");
            JsonNode running = http.get("/sessions/" + sessionId + "/runs?include_running=true").json();
            assertThat(running).hasSize(1);
            assertThat(running.get(0).get("status").asText()).isEqualTo("RUNNING");
            assertThat(http.get("/sessions/" + sessionId + "/runs/" + runId).json().get("status").asText())
                    .isEqualTo("RUNNING");
            assertInvalid(http.get("/sessions/" + sessionId + "/runs?include_running=maybe"), "query",
                    "include_running");

            http.post("/agents/echo/runs/" + runId + "/cancel");
            events.rest();
            assertThat(http.get("/sessions/" + sessionId + "/runs").json().get(0).get("status").asText())
                    .isEqualTo("CANCELLED");
        }
    }

    @Test
    void the_detail_holds_the_chat_the_usage_and_the_team_as_agentos_shows_them() {
        String message = unique("[team] plan");
        String sessionId = handoff(unique("detail"), message);

        JsonNode n = http.get("/sessions/" + sessionId + "?type=team").json();

        List<String> roles = n.get("chat_history").findValuesAsText("role");
        assertThat(roles).isNotEmpty().doesNotContain("system", "tool").contains("user", "assistant");
        List<String> asked = new ArrayList<>();
        n.get("chat_history").forEach(m -> {
            if (m.get("role").asText().equals("user")) {
                asked.add(m.get("content").asText());
            }
        });
        assertThat(asked).as("the member's messages are not the team's chat").containsExactly(message);
        assertThat(n.get("chat_history").findValues("tool_calls")).isNotEmpty();
        assertThat(n.get("team_data").get("team_id").asText()).isEqualTo("crew");
        assertThat(n.get("team_data").get("model").get("name").asText()).isEqualTo("OpenAIResponses");
        assertThat(n.get("team_data").get("model").get("provider").asText()).isEqualTo("OpenAI");
        assertThat(n.get("team_data").get("model").get("id").asText()).isEqualTo("gpt-5.2-mini");
        assertThat(n.get("metrics").get("details").get("model")).hasSize(2);
        assertThat(n.get("total_tokens").asLong()).isEqualTo(n.get("metrics").get("total_tokens").asLong());
        assertThat(n.get("session_state").isEmpty()).isTrue();
        assertThat(n.has("user_id")).isTrue();

        JsonNode renamed = http.postJson("/sessions/" + sessionId + "/rename", "{\"session_name\": \"R\"}").json();
        assertThat(renamed.get("session_summary").isNull()).isTrue();
        assertThat(renamed.get("metadata").isNull()).isTrue();
        assertThat(renamed.get("chat_history")).isEqualTo(n.get("chat_history"));
    }

    @Test
    void an_agent_sessions_detail_has_its_agent_data_and_a_null_user_when_it_has_none() {
        String sessionId = http.postForm("/agents/echo/runs", form("message", unique("solo"), "stream", "false"))
                .json().get("session_id").asText();

        JsonNode n = http.get("/sessions/" + sessionId).json();
        JsonNode patched = http.patchJson("/sessions/" + sessionId, "{\"session_name\": \"S\"}").json();

        assertThat(n.has("user_id")).isFalse();
        assertThat(n.get("agent_session_id").asText()).isEqualTo(sessionId);
        assertThat(n.get("agent_data").get("agent_id").asText()).isEqualTo("echo");
        assertThat(n.get("agent_data").get("model").get("name").asText()).isEqualTo("OpenAIChat");
        assertThat(n.get("metrics").get("details").get("model").get(0).get("provider").asText())
                .isEqualTo("OpenAI Chat");
        assertThat(n.get("chat_history").findValuesAsText("role")).containsExactly("user", "assistant");
        assertThat(patched.get("user_id").isNull()).isTrue();
        assertThat(patched.get("session_name").asText()).isEqualTo("S");
    }
}
