package dev.cadre.server;

import static dev.cadre.server.Http.form;
import static dev.cadre.server.contract.AgnoShapes.answer;
import static dev.cadre.server.contract.AgnoShapes.assertConforms;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.server.contract.AgnoShapes;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Runs over HTTP — blocking, streamed, in the background, polled, cancelled — answer with the status and JSON
 * shapes Agno's AgentOS answered with, event by event.
 */
class RunContractTest extends AgainstOneServer {

    private static String unique(String text) {
        return text + " #" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static void conforms(String captured, Http.Response r, String... absentOnPurpose) {
        AgnoShapes.Answer agno = answer(captured);
        assertThat(r.status()).as(captured).isEqualTo(agno.status());
        assertThat(r.header("Content-Type")).as(captured).startsWith(agno.contentType());
        assertConforms(captured, agno.shape(), r.json(), absentOnPurpose);
    }

    /** Every event Agno's capture has a full shape for conforms to it; returns the events. */
    private static List<JsonNode> eventsConform(String captured, Http.Response r) {
        AgnoShapes.Answer agno = answer(captured);
        assertThat(r.status()).isEqualTo(agno.status());
        assertThat(r.header("Content-Type")).startsWith("text/event-stream");
        List<JsonNode> events = Sse.lineBased(r.body());
        Set<String> checked = new java.util.HashSet<>();
        for (JsonNode e : events) {
            String name = e.get("event").asText();
            if (agno.captured().path("event_shapes").has(name)) {
                assertConforms(captured + " " + name, agno.eventShape(name), e);
                checked.add(name);
            }
            assertThat(e.has("nested_depth")).as(name + " has nested_depth").isTrue();
        }
        assertThat(checked).as("events compared").isNotEmpty();
        return events;
    }

    @Test
    void aBlockingTeamRunIsATeamRunOutputWithItsMemberResponses() {
        Http.Response r = http.postForm("/teams/crew/runs", form("message", unique("[team] What is entropy?"),
                "stream", "false"));
        conforms("POST team run stream=false", r);
        JsonNode member = r.json().get("member_responses").get(0);
        assertThat(member.get("agent_id").asText()).isEqualTo("writer");
        assertThat(member.get("parent_run_id").asText()).isEqualTo(r.json().get("run_id").asText());
        assertThat(r.json().at("/metrics/details/model/0/id").asText()).isEqualTo("gpt-5.2-mini");
    }

    @Test
    void aBlockingAgentRunIsARunOutput() {
        // The test's agent is on Chat Completions, whose provider data Agno keys by "id" (Responses: "response_id").
        Http.Response r = http.postForm("/agents/echo/runs", form("message", unique("Hello"), "stream", "false"));
        conforms("POST agent run stream=false", r, "model_provider_data.response_id");
        assertThat(r.json().at("/model_provider_data/id").asText()).startsWith("chatcmpl");
        assertThat(r.json().get("session_state").isObject()).isTrue();
    }

    @Test
    void badRunRequestsAnswerAsAgentOs() {
        conforms("POST team run no message", http.postForm("/teams/crew/runs", form("stream", "false")));
        conforms("POST team run unknown team", http.postForm("/teams/nope/runs", form("message", "x")));
        conforms("GET team run unknown id", http.get("/teams/crew/runs/nope?session_id=nope"));
    }

    @Test
    void listingATeamsRunsNeedsASessionAndListsItsRunsInIt() {
        conforms("GET /teams/{id}/runs (list)", http.get("/teams/crew/runs"));
        JsonNode run = http.postForm("/teams/crew/runs", form("message", unique("listed"), "stream", "false")).json();
        String session = run.get("session_id").asText();
        Http.Response list = http.get("/teams/crew/runs?session_id=" + session);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json()).hasSize(1);
        assertThat(list.json().get(0).get("run_id").asText()).isEqualTo(run.get("run_id").asText());
        assertThat(http.get("/teams/crew/runs?session_id=" + session + "&status=ERROR").json()).isEmpty();
        assertThat(http.get("/teams/crew/runs?session_id=" + session + "&status=bogus").status()).isEqualTo(422);
        assertThat(http.get("/agents/echo/runs?session_id=" + session).status())
                .as("a team's session is not the agent's").isEqualTo(404);
        assertThat(http.get("/teams/crew/runs?session_id=nope").status()).isEqualTo(404);
    }

    @Test
    void aBackgroundRunIsAcceptedThenPolledToItsEnd() throws Exception {
        Http.Response accepted = http.postForm("/teams/crew/runs", form("message", unique("[team] bg"),
                "stream", "false", "background", "true"));
        conforms("POST team run background=true", accepted);
        String runId = accepted.json().get("run_id").asText();
        String session = accepted.json().get("session_id").asText();
        assertThat(bed.runManager.awaitRun(runId, Duration.ofSeconds(10))).isTrue();
        conforms("GET team run by id (bg, after done)", http.get("/teams/crew/runs/" + runId + "?session_id=" + session));
    }

    @Test
    void teamAndAgentStreamsCarryAgnosEventFields() {
        List<JsonNode> team = eventsConform("POST team run stream=true", http.postForm("/teams/crew/runs",
                form("message", unique("[team] What is entropy?"), "stream", "true")));
        List<String> names = Sse.names(team);
        assertThat(names).startsWith("TeamRunStarted", "TeamModelRequestStarted", "TeamModelRequestCompleted",
                "TeamToolCallStarted", "RunStarted", "ModelRequestStarted");
        assertThat(names).endsWith("TeamRunCompleted");
        JsonNode completed = team.getLast();
        assertThat(completed.get("member_responses")).hasSize(1);
        assertThat(completed.get("status").asText()).as("Cadre's own").isEqualTo("COMPLETED");
        eventsConform("POST agent run stream=true", http.postForm("/agents/echo/runs",
                form("message", unique("Hello"), "stream", "true")));
    }

    @Test
    void aResumableBackgroundStreamNumbersItsEvents() {
        List<JsonNode> events = eventsConform("POST team run background=true stream=true", http.postForm(
                "/teams/crew/runs", form("message", unique("[team] resumable"), "stream", "true", "background", "true")));
        for (int i = 0; i < events.size(); i++) {
            assertThat(events.get(i).get("event_index").asInt()).isEqualTo(i);
        }
    }

    @Test
    void cancellingAnUnknownOrFinishedRunIsA200WhoseBodySaysWhatHappened() {
        Http.Response unknown = http.post("/teams/crew/runs/" + UUID.randomUUID() + "/cancel");
        conforms("POST cancel unknown run", unknown);
        assertThat(unknown.json().get("outcome").asText()).isEqualTo("NOT_FOUND");
        JsonNode done = http.postForm("/teams/crew/runs", form("message", unique("done"), "stream", "false")).json();
        Http.Response finished = http.post("/teams/crew/runs/" + done.get("run_id").asText() + "/cancel");
        conforms("POST cancel finished run", finished);
        assertThat(finished.json().get("outcome").asText()).isEqualTo("ALREADY_FINISHED");
        conforms("GET finished run after cancel", http.get("/teams/crew/runs/" + done.get("run_id").asText()
                + "?session_id=" + done.get("session_id").asText()));
    }

    @Test
    void aTeamRunCancelledWhileItsMemberStreamsKeepsTheStreamedText() throws Exception {
        HttpResponse<InputStream> stream = http.openForm("/teams/crew/runs",
                form("message", unique("[team][hang] an essay"), "stream", "true"));
        List<JsonNode> seen = new ArrayList<>();
        try (Sse.Reader events = new Sse.Reader(stream.body())) {
            seen.add(events.until("RunContent")); // the member's first word; its next comes only a minute later
            String teamRun = seen.getLast().get("parent_run_id").asText();
            Http.Response cancel = http.post("/teams/crew/runs/" + teamRun + "/cancel");
            assertThat(cancel.status()).isEqualTo(200);
            seen.addAll(events.rest());
        }
        List<String> names = Sse.names(seen);
        assertThat(names).contains("RunCancelled", "TeamRunCancelled");
        StringBuilder streamed = new StringBuilder();
        seen.stream().filter(e -> e.get("event").asText().equals("RunContent"))
                .forEach(e -> streamed.append(e.get("content").asText()));
        JsonNode teamCancelled = seen.stream().filter(e -> e.get("event").asText().equals("TeamRunCancelled"))
                .findFirst().orElseThrow();
        assertThat(streamed.toString()).isNotBlank();
        assertThat(teamCancelled.get("content").asText()).as("the streamed text, not the reason")
                .isEqualTo(streamed.toString());
        String runId = teamCancelled.get("run_id").asText();
        assertThat(bed.runManager.awaitRun(runId, Duration.ofSeconds(10))).isTrue();
        JsonNode stored = http.get("/runs/" + runId).json();
        assertThat(stored.get("status").asText()).isEqualTo("CANCELLED");
        assertThat(stored.get("content").asText()).isEqualTo(streamed.toString());
    }
}
