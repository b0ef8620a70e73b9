package dev.cadre.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.event.ContentEvent;
import dev.cadre.event.RunEvent;
import dev.cadre.run.Run;
import dev.cadre.run.RunOutput;
import dev.cadre.run.RunRequest;
import dev.cadre.run.RunStatus;
import dev.cadre.run.RunStream;
import dev.cadre.server.config.CadreConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The runs dashboard's page, its files and its JSON, without a browser. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardApiTest {

    private static final String KEY = "dashboard-key";
    private TestBed bed;
    private Http authorized;

    @BeforeAll
    void start() {
        bed = new TestBed(b -> b.securityKey(KEY));
        authorized = bed.as(KEY);
    }

    @AfterAll
    void stop() {
        bed.close();
    }

    @Nested
    class The_page {

        @Test
        void is_served_at_ui_without_a_key_with_a_strict_content_security_policy() {
            Http.Response page = bed.http.get("/ui");

            assertThat(page.status()).isEqualTo(200);
            assertThat(page.header("Content-Type")).startsWith("text/html");
            assertThat(page.body()).contains("<title>Cadre runs</title>").doesNotContain("http://", "https://");
            assertThat(page.header("Content-Security-Policy")).contains("default-src 'none'", "script-src 'self'",
                    "connect-src 'self'", "frame-ancestors 'none'").doesNotContain("unsafe");
            assertThat(bed.http.get("/ui/").status()).isEqualTo(200);
        }

        @Test
        void serves_its_scripts_and_styles_from_the_jar_and_nothing_else() {
            for (String file : List.of("app.js", "api.js", "runs.js", "detail.js", "start.js", "bulk.js", "chart.js")) {
                Http.Response r = bed.http.get("/ui/assets/" + file);
                assertThat(r.status()).as(file).isEqualTo(200);
                assertThat(r.header("Content-Type")).startsWith("text/javascript");
                // The SVG namespace is a name, not an address: the chart asks nothing of it.
                assertThat(r.body().replace("'http://www.w3.org/2000/svg'", "")).doesNotContain("http://", "https://");
            }
            assertThat(bed.http.get("/ui/assets/dashboard.css").header("Content-Type")).startsWith("text/css");

            Http.Response other = bed.http.get("/ui/assets/index.class");
            assertThat(other.status()).as("not a file of the page: needs the key like any route").isEqualTo(401);
            Http.Response unknown = authorized.get("/ui/assets/secret.txt");
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.json().get("detail").asText()).isEqualTo("No such file of the runs dashboard: secret.txt");
        }

        @Test
        void is_a_404_with_a_detail_when_switched_off() {
            try (TestBed off = new TestBed(b -> b.ui(false))) {
                Http.Response page = off.http.get("/ui");
                assertThat(page.status()).isEqualTo(404);
                assertThat(page.json().get("detail").asText()).contains("switched off", "ui: false");
                assertThat(off.http.get("/ui/api/runs").status()).isEqualTo(404);
                assertThat(off.http.get("/ui/assets/app.js").status()).isEqualTo(404);
            }
        }

        @Test
        void is_switched_off_by_the_yaml_server_section_and_on_without_it() {
            String agent = "models:\n  m: {provider: openai-chat, id: gpt-4o}\nagents: [{id: a}]\n";
            assertThat(CadreConfig.parse(agent + "server: {ui: false}\n", "cadre.yaml", Map.of()).server().ui()).isFalse();
            assertThat(CadreConfig.parse(agent, "cadre.yaml", Map.of()).server().ui()).isTrue();
        }
    }

    @Nested
    class The_runs_listing {

        @Test
        void needs_the_key_like_every_other_route() {
            Http.Response r = bed.http.get("/ui/api/runs");
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.json().get("detail").asText()).isEqualTo("Authorization header required");
            assertThat(bed.as("wrong").get("/ui/api/runs").json().get("detail").asText())
                    .isEqualTo("Invalid authentication token");
        }

        @Test
        void lists_runs_of_every_session_newest_first_with_what_the_page_shows() {
            List<String> ids = new ArrayList<>();
            for (String m : List.of("first", "second")) {
                ids.add(bed.echo.run(RunRequest.builder("listing " + m).userId("ann").build()).runId());
            }

            JsonNode page = authorized.get("/ui/api/runs?component_id=echo&user_id=ann&limit=2").json();

            assertThat(page.get("data")).extracting(n -> n.get("run_id").asText()).containsExactly(ids.get(1), ids.get(0));
            JsonNode newest = page.get("data").get(0);
            assertThat(newest.get("status").asText()).isEqualTo("COMPLETED");
            assertThat(newest.get("component_type").asText()).isEqualTo("agent");
            assertThat(newest.get("component_name").asText()).isEqualTo("Echo");
            assertThat(newest.get("user_id").asText()).isEqualTo("ann");
            assertThat(newest.get("session_id").asText()).isNotBlank();
            assertThat(newest.get("created_at").asLong()).isPositive();
            assertThat(newest.get("duration_ms").isNumber()).isTrue();
            assertThat(newest.get("total_tokens").asLong()).isPositive();
            assertThat(page.get("meta").get("total_count").asLong()).isGreaterThanOrEqualTo(2);
            assertThat(page.get("meta").get("limit").asInt()).isEqualTo(2);
        }

        @Test
        void filters_by_status() {
            String failed = bed.echo.run(RunRequest.builder("[fail] status filter").userId("bo").build()).runId();
            bed.echo.run(RunRequest.builder("fine").userId("bo").build());

            JsonNode page = authorized.get("/ui/api/runs?user_id=bo&status=error").json();

            assertThat(page.get("data")).extracting(n -> n.get("run_id").asText()).containsExactly(failed);
            assertThat(page.get("data").get(0).get("error").asText()).isNotBlank();
            assertThat(bed.store.getRun(failed).orElseThrow().status()).isEqualTo(RunStatus.ERROR);
        }

        @Test
        void refuses_bad_filters_and_pages_with_a_422_naming_them() {
            Http.Response status = authorized.get("/ui/api/runs?status=DONE");
            assertThat(status.status()).isEqualTo(422);
            assertThat(status.body()).contains("status", "Input should be one of");
            Http.Response limit = authorized.get("/ui/api/runs?limit=0");
            assertThat(limit.status()).isEqualTo(422);
            assertThat(limit.body()).contains("limit", "between 1 and 1000");
            assertThat(authorized.get("/ui/api/runs?page=x").status()).isEqualTo(422);
        }
    
        @Test
        void theChartCountsTheLastHoursRunsPerMinuteByStatusWithDurationPercentiles() {
            for (String m : List.of("one", "two", "three", "[fail] four")) {
                bed.echo.run(RunRequest.builder("chart " + m).userId("chart-user").build());
            }

            JsonNode stats = authorized.get("/ui/api/stats?user_id=chart-user").json();

            assertThat(stats.get("minutes").asInt()).isEqualTo(60);
            assertThat(stats.get("per_minute")).hasSize(60);
            assertThat(stats.get("total").asInt()).isEqualTo(4);
            assertThat(stats.get("truncated").asBoolean()).isFalse();
            int completed = 0;
            int errors = 0;
            for (JsonNode minute : stats.get("per_minute")) {
                completed += minute.path("COMPLETED").asInt();
                errors += minute.path("ERROR").asInt();
            }
            assertThat(completed).isEqualTo(3);
            assertThat(errors).isEqualTo(1);
            assertThat(stats.get("p50_ms").asLong()).isLessThanOrEqualTo(stats.get("p95_ms").asLong());
            assertThat(stats.get("p95_ms").isNumber()).isTrue();
            assertThat(authorized.get("/ui/api/stats?user_id=nobody").json().get("p50_ms").isNull()).isTrue();
        }
    }

    @Nested
    class The_live_state_of_a_run {

        @Test
        void of_a_streamed_run_in_progress_has_its_answer_so_far_and_its_events_before_the_store_has_them()
                throws Exception {
            Run<RunOutput> run = bed.echo.start(RunRequest.builder("[half] live").userId("liv").build());
            try (RunStream events = run.events()) {
                StringBuilder streamed = new StringBuilder();
                for (RunEvent e : events) {
                    if (e instanceof ContentEvent c) {
                        streamed.append(c.content());
                    }
                    if (streamed.toString().equals("the first law")) {
                        break; // the model has sent both chunks it will send, and hangs
                    }
                }

                JsonNode live = authorized.get("/ui/api/runs/" + run.runId() + "/live").json();

                assertThat(live.get("run_id").asText()).isEqualTo(run.runId());
                assertThat(live.get("executing_here").asBoolean()).isTrue();
                JsonNode now = live.get("run");
                assertThat(now.get("status").asText()).isEqualTo("RUNNING");
                assertThat(now.get("content").asText()).isEqualTo("the first law");
                assertThat(now.get("events")).extracting(e -> e.get("event").asText())
                        .contains("RunStarted", "ModelRequestStarted");
                assertThat(bed.store.getRun(run.runId()).orElseThrow().content()).as("not stored yet").isEmpty();
            } finally {
                run.cancel();
            }
            assertThat(run.await().status()).isEqualTo(RunStatus.CANCELLED);
        }

        @Test
        void of_a_run_that_has_ended_is_its_stored_state() {
            RunOutput done = bed.echo.run(RunRequest.builder("ended live").userId("liv").build());

            JsonNode live = authorized.get("/ui/api/runs/" + done.runId() + "/live").json();

            assertThat(live.get("executing_here").asBoolean()).isFalse();
            assertThat(live.get("run").get("status").asText()).isEqualTo("COMPLETED");
            assertThat(live.get("run").get("content").asText()).isEqualTo(done.content());
        }

        @Test
        void of_an_unknown_run_is_a_404_and_needs_the_key() {
            Http.Response unknown = authorized.get("/ui/api/runs/no-such-run/live");
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.json().get("detail").asText()).isEqualTo("Run not found");
            assertThat(bed.http.get("/ui/api/runs/no-such-run/live").status()).isEqualTo(401);
        }
    }
}
