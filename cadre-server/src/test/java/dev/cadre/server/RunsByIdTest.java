package dev.cadre.server;

import static dev.cadre.server.Http.form;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.run.RunStatus;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Cadre's own endpoints: a run, and its cancel, by run id alone. */
class RunsByIdTest {

    private final TestBed bed = new TestBed();
    private final Http http = bed.http;

    @AfterEach
    void close() {
        bed.close();
    }

    @Test
    void aRunIsFoundByItsIdAloneWithItsMembers() {
        JsonNode done = http.postForm("/agents/echo/runs", form("message", "hello " + UUID.randomUUID(), "stream", "false")).json();

        Http.Response run = http.get("/runs/" + done.get("run_id").asText());

        assertThat(run.status()).isEqualTo(200);
        assertThat(run.json().get("status").asText()).isEqualTo("COMPLETED");
        assertThat(run.json().get("agent_id").asText()).isEqualTo("echo");
        assertThat(http.get("/runs/no-such-run").status()).isEqualTo(404);
    }

    @Test
    void aTeamRunIsCancelledByItsIdAloneAndTheCancelReachesItsMember() throws Exception {
        Http.Response accepted = http.postForm("/teams/crew/runs",
                form("message", "[delegate] " + UUID.randomUUID(), "stream", "false", "background", "true"));
        String runId = accepted.json().get("run_id").asText();
        bed.awaitModelCall("[stall] write it");

        Http.Response cancel = http.post("/runs/" + runId + "/cancel");

        assertThat(cancel.status()).isEqualTo(200);
        assertThat(cancel.json().get("outcome").asText()).isEqualTo("CANCELLED");
        assertThat(bed.runManager.awaitRun(runId, Duration.ofSeconds(10))).isTrue();
        JsonNode stored = http.get("/runs/" + runId).json();
        assertThat(stored.get("status").asText()).isEqualTo(RunStatus.CANCELLED.name());
        assertThat(stored.get("member_responses").get(0).get("status").asText()).isEqualTo("CANCELLED");
    }

    @Test
    void anUnknownRunIdIsNotFoundInTheBodyAndTheCancelIsRemembered() {
        Http.Response cancel = http.post("/runs/" + UUID.randomUUID() + "/cancel");
        assertThat(cancel.status()).isEqualTo(200);
        assertThat(cancel.json().get("outcome").asText()).isEqualTo("NOT_FOUND");
        assertThat(cancel.json().get("status").isNull()).isTrue();
        assertThat(cancel.json().get("message").asText()).contains("will be cancelled");
    }
}
