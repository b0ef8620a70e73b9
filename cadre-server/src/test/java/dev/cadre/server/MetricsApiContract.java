package dev.cadre.server;

import static dev.cadre.server.Http.form;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.db.Db;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics} and its refresh routes end to end, answering as AgentOS does, with figures the store adds
 * up from its sessions and runs. Each test has a store of its own, so it knows every figure. Subclasses run this
 * on each store.
 */
abstract class MetricsApiContract {

    protected TestBed bed;
    protected Http http;

    protected abstract Db newStore();

    @BeforeEach
    void start() {
        bed = new TestBed(newStore(), b -> { });
        http = bed.http;
    }

    @AfterEach
    void stop() {
        if (bed != null) {
            bed.close();
        }
    }

    @Test
    void an_empty_store_has_no_metrics() {
        Http.Response r = http.get("/metrics");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("metrics")).isEmpty();
        assertThat(r.json().get("updated_at").isNull()).isTrue();
    }

    @Test
    void each_day_counts_sessions_runs_users_tokens_and_models() {
        JsonNode solo = http.postForm("/agents/echo/runs", form("message", "hi", "stream", "false", "user_id", "ada"))
                .json();
        String team = http.postForm("/teams/crew/runs", form("message", "[team] go", "stream", "false", "user_id",
                "bob")).json().get("session_id").asText();
        List<JsonNode> runs = new ArrayList<>();
        http.get("/sessions/" + solo.get("session_id").asText() + "/runs").json().forEach(runs::add);
        http.get("/sessions/" + team + "/runs").json().forEach(runs::add);
        long input = runs.stream().mapToLong(r -> r.get("metrics").get("input_tokens").asLong()).sum();
        long total = runs.stream().mapToLong(r -> r.get("metrics").get("total_tokens").asLong()).sum();
        LocalDate day = LocalDate.ofInstant(Instant.parse(runs.getFirst().get("created_at").asText()), ZoneOffset.UTC);
        Assumptions.assumeTrue(runs.stream().allMatch(r -> LocalDate.ofInstant(Instant.parse(r.get("created_at")
                .asText()), ZoneOffset.UTC).equals(day)), "the runs straddle midnight UTC");

        JsonNode body = http.get("/metrics").json();

        assertThat(body.get("metrics")).hasSize(1);
        JsonNode d = body.get("metrics").get(0);
        assertThat(d.get("date").asText()).isEqualTo(day + "T00:00:00Z");
        assertThat(d.get("agent_sessions_count").asInt()).isEqualTo(1);
        assertThat(d.get("agent_runs_count").asInt()).isEqualTo(1);
        assertThat(d.get("team_sessions_count").asInt()).isEqualTo(1);
        assertThat(d.get("team_runs_count").asInt()).as("the team run and its member run").isEqualTo(2);
        assertThat(d.get("workflow_runs_count").asInt()).isZero();
        assertThat(d.get("workflow_sessions_count").asInt()).isZero();
        assertThat(d.get("users_count").asInt()).isEqualTo(2);
        assertThat(d.get("token_metrics").get("input_tokens").asLong()).isEqualTo(input);
        assertThat(d.get("token_metrics").get("total_tokens").asLong()).isEqualTo(total);
        assertThat(d.get("token_metrics").get("cache_write_tokens").asLong()).isZero();
        assertThat(d.get("model_metrics").findValuesAsText("model_id")).containsExactly("gpt-4o", "gpt-5.2-mini");
        assertThat(d.get("model_metrics").findValuesAsText("model_provider")).containsOnly("OpenAI");
        assertThat(d.get("model_metrics").findValuesAsText("count")).containsExactly("2", "1");
        assertThat(d.get("id").asText()).isEqualTo(http.get("/metrics").json().get("metrics").get(0).get("id")
                .asText());
        assertThat(body.get("updated_at").asText()).isEqualTo(d.get("updated_at").asText());

        assertThat(http.get("/metrics?starting_date=" + day + "&ending_date=" + day).json().get("metrics")).hasSize(1);
        assertThat(http.get("/metrics?starting_date=" + day.plusDays(1)).json().get("metrics")).isEmpty();
        assertThat(http.get("/metrics?ending_date=" + day.minusDays(1)).json().get("updated_at").isNull()).isTrue();
        Http.Response refreshed = http.post("/metrics/refresh");
        assertThat(refreshed.status()).isEqualTo(200);
        assertThat(refreshed.json()).isEqualTo(body.get("metrics"));
    }

    @Test
    void bad_dates_are_client_errors() {
        Http.Response bad = http.get("/metrics?starting_date=yesterday");
        assertThat(bad.status()).isEqualTo(422);
        assertThat(bad.json().get("detail").get(0).get("loc").get(1).asText()).isEqualTo("starting_date");
        assertThat(http.get("/metrics?starting_date=2026-02-02&ending_date=2026-02-01").status()).isEqualTo(400);
    }

    @Test
    void a_background_refresh_and_its_status_answer_as_agentos_does() {
        Http.Response background = http.post("/metrics/refresh?background=true");
        assertThat(background.status()).isEqualTo(202);
        assertThat(background.json().get("status").asText()).isNotBlank();
        assertThat(http.get("/metrics/refresh/status").json().get("status").asText()).isEqualTo("idle");
    }
}
