package dev.cadre.server;

import static dev.cadre.server.Http.form;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.db.Db;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Bad input gets a 4xx whose detail names what is wrong — never a 500, never internals — and changes
 * nothing. Every store must behave the same; subclasses run this on each.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BadInputContract {

    protected TestBed bed;

    protected abstract Db newStore();

    @BeforeAll
    void start() {
        bed = new TestBed(newStore(), b -> { });
    }

    @AfterAll
    void stop() {
        if (bed != null) {
            bed.close();
        }
    }

    /** A 422 naming {@code field} found in {@code where}, with a body that leaks nothing. */
    private static void assertInvalid(Http.Response r, String where, String field) {
        assertThat(r.status()).as(r.body()).isEqualTo(422);
        JsonNode error = r.json().get("detail").get(0);
        assertThat(error.get("loc").get(0).asText()).isEqualTo(where);
        assertThat(error.get("loc").get(1).asText()).isEqualTo(field);
        assertNoInternals(r);
    }

    static void assertNoInternals(Http.Response r) {
        assertThat(r.body()).doesNotContainIgnoringCase("sql").doesNotContain("127.0.0.1").doesNotContain("5432")
                .doesNotContain("Exception").doesNotContain("dev.cadre").doesNotContain("java.")
                .doesNotContain("/tmp/").doesNotContain(".db");
    }

    @Test
    void aNulInAnyTextFieldOfARunIs422NamingTheField() {
        for (String field : List.of("message", "user_id", "session_id", "run_id")) {
            var f = form("message", "hello", "stream", "false");
            f.put(field, "bad\u0000value");
            assertInvalid(bed.http.postForm("/agents/echo/runs", f), "body", field);
            assertInvalid(bed.http.postMultipart("/teams/crew/runs", f), "body", field);
        }
    }

    @Test
    void idsMadeOfControlCharactersAre422() {
        assertInvalid(bed.http.postForm("/agents/echo/runs", form("message", "hi", "run_id", "\u0001")), "body",
                "run_id");
        assertInvalid(bed.http.postForm("/agents/echo/runs", form("message", "hi", "session_id", "\t\u0002")), "body",
                "session_id");
        assertInvalid(bed.http.postForm("/agents/echo/runs", form("message", "hi", "user_id", "x".repeat(300))),
                "body", "user_id");
    }

    @Test
    void badIdsInTheQueryOrThePathAre422() {
        assertInvalid(bed.http.get("/sessions?user_id=%00"), "query", "user_id");
        assertInvalid(bed.http.get("/sessions?component_id=%01x"), "query", "component_id");
        assertInvalid(bed.http.get("/sessions?session_name=a%00b"), "query", "session_name");
        assertInvalid(bed.http.get("/sessions/bad%01id"), "path", "session_id");
        assertInvalid(bed.http.get("/sessions/bad%1Fid/runs"), "path", "session_id");
        assertInvalid(bed.http.delete("/sessions/bad%01id"), "path", "session_id");
        assertInvalid(bed.http.get("/agents/echo/runs/%01"), "path", "run_id");
        assertInvalid(bed.http.get("/agents/echo/runs/r1?session_id=%00"), "query", "session_id");
        assertInvalid(bed.http.post("/teams/crew/runs/%01/cancel"), "path", "run_id");
        assertInvalid(bed.http.get("/runs/%02"), "path", "run_id");
    }

    @Test
    void aNulInThePathIsRefusedByTheHttpLayerAsA400InTheApisShape() {
        Http.Response r = bed.http.get("/sessions/bad%00id");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        assertThat(r.json().get("detail").asText()).contains("Bad Request");
        assertNoInternals(r);
    }

    @Test
    void aNulInASessionNameIs422AndTheNameStays() {
        String sessionId = bed.http.postForm("/agents/echo/runs", form("message", "named", "stream", "false")).json()
                .get("session_id").asText();

        Http.Response r = bed.http.postJson("/sessions/" + sessionId + "/rename", "{\"session_name\":\"x\\u0000y\"}");

        assertInvalid(r, "body", "session_name");
        assertThat(bed.store.getSession(sessionId).orElseThrow().displayName()).isEqualTo("named");
    }

    @Test
    void malformedBodiesAre4xxWithoutParserDetails() {
        Http.Response form = bed.http.postRaw("/agents/echo/runs", "multipart/form-data", "not a multipart body");
        assertThat(form.status()).isEqualTo(400);
        assertNoInternals(form);
        Http.Response json = bed.http.postJson("/sessions/any/rename", "{\"session_name\": ");
        assertThat(json.status()).isEqualTo(422);
        assertThat(json.body()).doesNotContain("line").doesNotContain("column").doesNotContain("Unexpected");
    }

    @Test
    void aDuplicateRunIdIs409ForEveryLoserOfTheRace() throws Exception {
        String runId = "dup-" + System.nanoTime();
        List<Future<Http.Response>> answers = new ArrayList<>();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 20; i++) {
                answers.add(clients.submit(() -> bed.http.postForm("/agents/echo/runs",
                        form("message", "[stall] race", "run_id", runId, "stream", "false", "background", "true"))));
            }
        }
        List<Integer> statuses = new ArrayList<>();
        for (Future<Http.Response> a : answers) {
            statuses.add(a.get().status());
            assertNoInternals(a.get());
        }
        assertThat(statuses).containsOnly(202, 409).filteredOn(s -> s == 202).hasSize(1);
        assertThat(bed.http.post("/agents/echo/runs/" + runId + "/cancel").status()).isEqualTo(200);
    }

    @Test
    void aRunIsCancelledAndReadOnlyThroughItsOwnComponent() {
        JsonNode started = bed.http.postForm("/teams/crew/runs",
                form("message", "[stall] team work", "stream", "false", "background", "true")).json();
        String runId = started.get("run_id").asText();
        String sessionId = started.get("session_id").asText();

        Http.Response wrong = bed.http.post("/agents/echo/runs/" + runId + "/cancel");
        assertThat(wrong.status()).as("200 as AgentOS; the body says it was not found").isEqualTo(200);
        assertThat(wrong.json().get("outcome").asText()).isEqualTo("NOT_FOUND");
        assertThat(wrong.json().get("cancelled").asBoolean()).isFalse();
        assertThat(bed.http.get("/agents/echo/runs/" + runId).status()).isEqualTo(404);
        assertThat(bed.http.get("/agents/echo/runs/" + runId + "?session_id=" + sessionId).status()).isEqualTo(404);
        assertThat(bed.store.getRun(runId).map(RunResult::status)).isNotEqualTo(java.util.Optional.of(
                RunStatus.CANCELLED));

        Http.Response own = bed.http.post("/teams/crew/runs/" + runId + "/cancel");
        assertThat(own.status()).isEqualTo(200);
        assertThat(own.json().get("cancelled").asBoolean()).isTrue();
        assertThat(own.json().get("final_state_pending").asBoolean()).isFalse();
    }
}
