package dev.cadre.server;

import static dev.cadre.server.Http.form;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.testkit.RecordedRequest;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The AgentOS API as its clients see it: a real HTTP client against a started server. */
class CadreServerTest extends AgainstOneServer {

    private static String unique(String text) {
        return text + " #" + UUID.randomUUID().toString().substring(0, 8);
    }

    private RunResult stored(String runId) throws InterruptedException {
        assertThat(bed.runManager.awaitRun(runId, Duration.ofSeconds(10))).isTrue();
        return bed.store.getRun(runId).orElseThrow();
    }

    @Nested
    class Discovery {

        @Test
        void rootAndHealthAnswerWithoutAuthentication() {
            assertThat(http.get("/").json().get("name").asText()).isEqualTo("AgentOS API");
            Http.Response health = http.get("/health");
            assertThat(health.status()).isEqualTo(200);
            assertThat(health.json().get("status").asText()).isEqualTo("ok");
            assertThat(health.json().get("instantiated_at").asText()).endsWith("Z");
        }

        @Test
        void agentsListIdNameDbIdAndModel() {
            Http.Response r = http.get("/agents");
            assertThat(r.status()).isEqualTo(200);
            JsonNode echo = r.json().get(0);
            assertThat(echo.get("id").asText()).isEqualTo("echo");
            assertThat(echo.get("name").asText()).isEqualTo("Echo");
            assertThat(echo.get("db_id").asText()).isNotBlank().isEqualTo(bed.store.id());
            assertThat(echo.get("model").get("model").asText()).isEqualTo("gpt-4o");
            assertThat(echo.get("model").get("name").asText()).isNotBlank();
            assertThat(echo.get("model").get("provider").asText()).isNotBlank();
            assertThat(http.get("/agents/echo").json().get("role").asText()).isEqualTo("Repeats what it is told.");
            assertThat(http.get("/agents/").status()).as("trailing slash").isEqualTo(200);
        }

        @Test
        void teamsListTheirMembers() {
            JsonNode crew = http.get("/teams").json().get(0);
            assertThat(crew.get("id").asText()).isEqualTo("crew");
            assertThat(crew.get("db_id").asText()).isNotBlank();
            assertThat(crew.get("model").get("model").asText()).isEqualTo("gpt-5.2-mini");
            assertThat(crew.get("members").findValuesAsText("id")).containsExactly("writer", "checker");
            assertThat(http.get("/teams/crew").json().get("mode").asText()).isEqualTo("coordinate");
        }

        @Test
        void unknownIdsAre404WithDetail() {
            Http.Response agent = http.get("/agents/nobody");
            assertThat(agent.status()).isEqualTo(404);
            assertThat(agent.json().get("detail").asText()).isEqualTo("Agent not found");
            assertThat(http.get("/teams/nobody").json().get("detail").asText()).isEqualTo("Team not found");
            Http.Response route = http.get("/no/such/route");
            assertThat(route.status()).isEqualTo(404);
            assertThat(route.json().has("detail")).isTrue();
        }
    }

    @Nested
    class Runs {

        @Test
        void nonStreamedRunAnswersWithTheRunOutput() {
            String msg = unique("hello");
            Http.Response r = http.postForm("/agents/echo/runs", form("message", msg, "stream", "false"));
            assertThat(r.status()).isEqualTo(200);
            JsonNode out = r.json();
            assertThat(out.get("content").asText()).isEqualTo("Echo: " + msg);
            assertThat(out.get("status").asText()).isEqualTo("COMPLETED");
            assertThat(out.get("agent_id").asText()).isEqualTo("echo");
            assertThat(out.get("content_type").asText()).isEqualTo("str");
            assertThat(out.get("run_id").asText()).isNotBlank();
            assertThat(out.get("session_id").asText()).isNotBlank();
            assertThat(out.get("created_at").isIntegralNumber()).isTrue();
            assertThat(out.get("input").get("input_content").asText()).isEqualTo(msg);
        }

        @Test
        void multipartStreamReadsTheSameForAgentUiAndTheLineParser() {
            String msg = unique("tell me");
            Http.Response r = http.postMultipart("/agents/echo/runs",
                    form("message", msg, "stream", "true", "session_id", ""));
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Content-Type")).startsWith("text/event-stream");

            List<JsonNode> agentUi = Sse.braceMatching(r.body(), 7);
            List<JsonNode> lines = Sse.lineBased(r.body());
            assertThat(Sse.names(agentUi)).isEqualTo(Sse.names(lines));
            assertThat(Sse.names(lines)).startsWith("RunStarted").endsWith("RunCompleted").contains("RunContent");

            JsonNode started = lines.get(0);
            assertThat(started.get("session_id").asText()).isNotBlank();
            assertThat(started.get("agent_id").asText()).isEqualTo("echo");
            assertThat(lines.getLast().get("content").asText()).as("full content on completion").isEqualTo("Echo: " + msg);
            assertThat(r.body()).contains("event: RunStarted\ndata: {\"");
            assertThat(r.body().split("\n\n")).allSatisfy(frame -> {
                if (!frame.isBlank() && !frame.startsWith(":")) {
                    assertThat(frame).matches("(?s)event: \\w+\ndata: \\{[^\n]*}");
                }
            });
        }

        @Test
        void urlencodedTeamStreamUsesTeamEventNames() {
            String msg = unique("team hello");
            Http.Response r = http.postForm("/teams/crew/runs", form("message", msg));
            assertThat(r.status()).isEqualTo(200);
            List<JsonNode> events = Sse.lineBased(r.body());
            assertThat(Sse.names(events)).startsWith("TeamRunStarted").endsWith("TeamRunCompleted");
            assertThat(events.getLast().get("content").asText()).isEqualTo("Echo: " + msg);
            assertThat(events.getLast().get("team_id").asText()).isEqualTo("crew");
        }

        @Test
        void streamEventsFalseSendsOnlyContentAndTheEnd() {
            Http.Response r = http.postForm("/agents/echo/runs", form("message", unique("quiet"), "stream_events", "false"));
            assertThat(Sse.names(Sse.lineBased(r.body()))).doesNotContain("ModelRequestStarted").endsWith("RunCompleted");
        }

        @Test
        void aFailureInsideTheRunIsARunErrorEvent() {
            Http.Response r = http.postForm("/agents/echo/runs", form("message", unique("[fail]")));
            assertThat(r.status()).isEqualTo(200);
            JsonNode last = Sse.lineBased(r.body()).getLast();
            assertThat(last.get("event").asText()).isEqualTo("RunError");
            assertThat(last.get("content").asText()).contains("refused");
            assertThat(Sse.names(Sse.braceMatching(r.body(), 5))).endsWith("RunError");
        }

        @Test
        void aSecondRunContinuesTheSession() {
            JsonNode first = http.postForm("/agents/echo/runs", form("message", unique("one"), "stream", "false")).json();
            String sessionId = first.get("session_id").asText();
            JsonNode second = http.postForm("/agents/echo/runs",
                    form("message", unique("two"), "stream", "false", "session_id", sessionId, "user_id", "ada")).json();
            assertThat(second.get("session_id").asText()).isEqualTo(sessionId);
            assertThat(second.get("user_id").asText()).isEqualTo("ada");
            assertThat(http.get("/sessions/" + sessionId + "/runs").json()).hasSize(2);
        }

        @Test
        void badInputIsAClientErrorNeverA500() {
            Http.Response missing = http.postForm("/agents/echo/runs", form("stream", "false"));
            assertThat(missing.status()).isEqualTo(422);
            assertThat(missing.json().get("detail").get(0).get("loc").toString()).isEqualTo("[\"body\",\"message\"]");
            assertThat(http.postMultipart("/teams/crew/runs", form("stream", "true")).status()).isEqualTo(422);
            assertThat(http.postForm("/agents/echo/runs", form("message", "x", "stream", "maybe")).status()).isEqualTo(422);
            assertThat(http.postForm("/agents/ghost/runs", form("message", "x")).status()).isEqualTo(404);
            assertThat(http.post("/agents/echo/runs").status()).as("no body at all").isEqualTo(422);
            Http.Response garbled = http.postRaw("/agents/echo/runs", "multipart/form-data", "garbage");
            assertThat(garbled.status()).isEqualTo(400);
            assertThat(garbled.json().get("detail").asText()).contains("not a valid form");
            assertThat(http.postRaw("/agents/echo/runs", "application/json", "{\"message\":\"hi\"}").status())
                    .as("JSON is not a form").isEqualTo(422);
            assertThat(http.postForm("/agents/echo/runs/x/resume", form("last_event_index", "two")).status())
                    .isEqualTo(422);
            Http.Response foreign = http.postForm("/teams/crew/runs", form("message", "x", "stream", "false",
                    "session_id", http.postForm("/agents/echo/runs", form("message", unique("mine"), "stream", "false"))
                            .json().get("session_id").asText()));
            assertThat(foreign.status()).as("another component's session").isEqualTo(400);
            assertThat(http.get("/sessions?type=workflow").status()).isEqualTo(422);
            assertThat(http.get("/sessions?limit=zero").status()).isEqualTo(422);
        }
    }

    @Nested
    class BackgroundRunsPollAndCancel {

        @Test
        void backgroundRunIs202PendingThenPolledToCompletion() throws Exception {
            String msg = unique("later");
            Http.Response accepted = http.postForm("/agents/echo/runs",
                    form("message", msg, "stream", "false", "background", "true"));
            assertThat(accepted.status()).isEqualTo(202);
            JsonNode body = accepted.json();
            assertThat(body.get("status").asText()).isEqualTo("PENDING");
            String runId = body.get("run_id").asText();
            String sessionId = body.get("session_id").asText();

            bed.runManager.awaitRun(runId, Duration.ofSeconds(10));
            JsonNode polled = http.get("/agents/echo/runs/" + runId + "?session_id=" + sessionId).json();
            assertThat(polled.get("status").asText()).isEqualTo("COMPLETED");
            assertThat(polled.get("content").asText()).isEqualTo("Echo: " + msg);
            assertThat(http.get("/agents/echo/runs/" + runId).json().get("status").asText())
                    .as("found without session_id too").isEqualTo("COMPLETED");
        }

        @Test
        void theSeedCycle202PollCancelPoll() throws Exception {
            // Seed 004: a long team run started, then cancelled from elsewhere "via AgentOS".
            Http.Response accepted = http.postForm("/teams/crew/runs",
                    form("message", unique("Write a very long story [stall]"), "stream", "false", "background", "true"));
            assertThat(accepted.status()).isEqualTo(202);
            String runId = accepted.json().get("run_id").asText();
            String sessionId = accepted.json().get("session_id").asText();

            JsonNode polled = http.get("/teams/crew/runs/" + runId + "?session_id=" + sessionId).json();
            assertThat(polled.get("status").asText()).isIn("PENDING", "RUNNING");
            assertThat(polled.get("team_id").asText()).isEqualTo("crew");

            Http.Response cancel = http.post("/teams/crew/runs/" + runId + "/cancel?session_id=" + sessionId);
            assertThat(cancel.status()).isEqualTo(200);
            assertThat(cancel.json().get("cancelled").asBoolean()).isTrue();
            assertThat(cancel.json().get("status").asText()).isEqualTo("CANCELLED");
            assertThat(cancel.json().get("outcome").asText()).isEqualTo("CANCELLED");
            assertThat(cancel.json().get("run_id").asText()).isEqualTo(runId);

            assertThat(stored(runId).status()).isEqualTo(RunStatus.CANCELLED);
            assertThat(http.get("/teams/crew/runs/" + runId + "?session_id=" + sessionId).json().get("status").asText())
                    .isEqualTo("CANCELLED");

            Http.Response again = http.post("/teams/crew/runs/" + runId + "/cancel");
            assertThat(again.status()).isEqualTo(200);
            assertThat(again.json().get("outcome").asText()).isEqualTo("ALREADY_FINISHED");
            assertThat(again.json().get("status").asText()).isEqualTo("CANCELLED");
        }

        @Test
        void cancellingAFinishedRunSaysSoWithoutCancelling() throws Exception {
            JsonNode done = http.postForm("/agents/echo/runs", form("message", unique("quick"), "stream", "false")).json();
            Http.Response cancel = http.post("/agents/echo/runs/" + done.get("run_id").asText() + "/cancel");
            assertThat(cancel.status()).isEqualTo(200);
            assertThat(cancel.json().get("cancelled").asBoolean()).isFalse();
            assertThat(cancel.json().get("status").asText()).isEqualTo("COMPLETED");
            assertThat(cancel.json().get("outcome").asText()).isEqualTo("ALREADY_FINISHED");
        }

        @Test
        void cancelBeforeStartWithAClientChosenRunId() throws Exception {
            String runId = "client-" + UUID.randomUUID();
            Http.Response early = http.post("/agents/echo/runs/" + runId + "/cancel");
            assertThat(early.status()).as("200 as AgentOS, whatever the outcome").isEqualTo(200);
            assertThat(early.json().get("outcome").asText()).isEqualTo("NOT_FOUND");
            assertThat(early.json().get("cancelled").asBoolean()).isFalse();
            assertThat(early.json().get("message").asText()).contains("will be cancelled");

            Http.Response accepted = http.postForm("/agents/echo/runs",
                    form("message", unique("never"), "stream", "false", "background", "true", "run_id", runId));
            assertThat(accepted.status()).isEqualTo(202);
            assertThat(accepted.json().get("run_id").asText()).isEqualTo(runId);
            assertThat(stored(runId).status()).isEqualTo(RunStatus.CANCELLED);

            assertThat(http.postForm("/agents/echo/runs", form("message", "x", "stream", "false", "run_id", runId))
                    .status()).as("run ids are unique").isEqualTo(409);
        }

        @Test
        void unknownRunsAre404() {
            assertThat(http.get("/agents/echo/runs/nope?session_id=nope").status()).isEqualTo(404);
            assertThat(http.get("/teams/crew/runs/nope").json().get("detail").asText()).isEqualTo("Run not found");
            assertThat(http.post("/teams/ghost/runs/nope/cancel").json().get("detail").asText()).isEqualTo("Team not found");
        }

        @Test
        void teamCancelReachesTheMemberAndItsModelCall() throws Exception {
            HttpResponse<InputStream> response = http.openForm("/teams/crew/runs", form("message", unique("[delegate]")));
            try (Sse.Reader events = new Sse.Reader(response.body())) {
                String runId = events.until("TeamRunStarted").get("run_id").asText();
                JsonNode member = events.until("RunStarted");
                assertThat(member.get("agent_id").asText()).isEqualTo("writer");
                RecordedRequest memberCall = bed.awaitModelCall("write it");

                Http.Response cancel = http.post("/teams/crew/runs/" + runId + "/cancel");
                assertThat(cancel.json().get("cancelled").asBoolean()).isTrue();

                List<String> rest = Sse.names(events.rest());
                assertThat(rest).contains("RunCancelled").endsWith("TeamRunCancelled").doesNotContain("TeamRunCompleted");
                assertThat(memberCall.awaitDisconnect(Duration.ofSeconds(5))).isTrue();
                assertThat(stored(runId).status()).isEqualTo(RunStatus.CANCELLED);
                assertThat(stored(member.get("run_id").asText()).status()).isEqualTo(RunStatus.CANCELLED);
            }
        }
    }

    @Nested
    class StreamsEndWhenCancelledOrAbandoned {

        @Test
        void cancelDuringAStreamEndsItWithRunCancelled() throws Exception {
            HttpResponse<InputStream> response = http.openForm("/agents/echo/runs", form("message", unique("[stall]")));
            try (Sse.Reader events = new Sse.Reader(response.body())) {
                JsonNode started = events.until("RunStarted");
                String runId = started.get("run_id").asText();
                assertThat(http.post("/agents/echo/runs/" + runId + "/cancel").status()).isEqualTo(200);
                List<JsonNode> rest = events.rest();
                assertThat(Sse.names(rest)).endsWith("RunCancelled");
                assertThat(rest.getLast().get("run_id").asText()).isEqualTo(runId);
                // Agent UI stops reading when the body ends; the stream must end after the cancel.
                assertThat(Sse.names(Sse.braceMatching(events.raw(), 11))).endsWith("RunCancelled");
            }
        }

        @Test
        void aClientThatDisconnectsCancelsTheRun() throws Exception {
            HttpResponse<InputStream> response = http.openForm("/agents/echo/runs", form("message", unique("[stall] gone")));
            String runId;
            Sse.Reader events = new Sse.Reader(response.body());
            runId = events.until("RunStarted").get("run_id").asText();
            RecordedRequest modelCall = bed.awaitModelCall("[stall] gone");
            events.close(); // the client goes away mid-run

            assertThat(modelCall.awaitDisconnect(Duration.ofSeconds(10))).as("the model call is aborted").isTrue();
            RunResult run = stored(runId);
            assertThat(run.status()).isEqualTo(RunStatus.CANCELLED);
        }

        @Test
        void theHistoryOfANewSessionIsNeverAnEmptyListWhileItsFirstRunStreams() throws Exception {
            // agentos-api §2.9: Agent UI fetches the history mid-stream; [] would wipe its bubbles, and a run in
            // progress would replace them with a half answer. AgentOS answers 404 there, and so does Cadre.
            String msg = unique("[stall] first");
            HttpResponse<InputStream> response = http.openForm("/agents/echo/runs", form("message", msg));
            try (Sse.Reader events = new Sse.Reader(response.body())) {
                JsonNode started = events.until("RunStarted");
                String sessionId = started.get("session_id").asText();
                Http.Response history = http.get("/sessions/" + sessionId + "/runs?type=agent");
                assertThat(history.status()).isEqualTo(404);
                assertThat(history.json().get("detail").asText()).isEqualTo("Session with ID " + sessionId
                        + " not found");
                http.post("/agents/echo/runs/" + started.get("run_id").asText() + "/cancel");
                events.rest();
            }
        }
    }

    @Nested
    class ResumableBackgroundStreams {

        @Test
        void eventsCarryTheirIndexAndRunId() {
            Http.Response r = http.postForm("/agents/echo/runs", form("message", unique("bg stream"), "background", "true"));
            assertThat(r.status()).isEqualTo(200);
            List<JsonNode> events = Sse.lineBased(r.body());
            assertThat(Sse.names(events)).startsWith("RunStarted").endsWith("RunCompleted");
            for (int i = 0; i < events.size(); i++) {
                assertThat(events.get(i).get("event_index").asInt()).isEqualTo(i);
                assertThat(events.get(i).get("run_id").asText()).isEqualTo(events.get(0).get("run_id").asText());
            }
            assertThat(Sse.names(Sse.braceMatching(r.body(), 13))).isEqualTo(Sse.names(events));
        }

        @Test
        void theRunGoesOnWhenTheClientLeavesAndIsReplayedFromWhereItLeft() throws Exception {
            HttpResponse<InputStream> response = http.openForm("/agents/echo/runs",
                    form("message", unique("[slow] keep going"), "background", "true"));
            Sse.Reader events = new Sse.Reader(response.body());
            JsonNode started = events.until("RunStarted");
            String runId = started.get("run_id").asText();
            int seen = events.until("RunContent").get("event_index").asInt();
            events.close();

            assertThat(stored(runId).status()).isEqualTo(RunStatus.COMPLETED);

            Http.Response resumed = http.postForm("/agents/echo/runs/" + runId + "/resume",
                    form("last_event_index", String.valueOf(seen), "session_id", started.get("session_id").asText()));
            List<JsonNode> frames = Sse.lineBased(resumed.body());
            // "replay" once the buffer has the run's last event; the stored run may be seen ended a
            // moment before that, and then the stream catches up and follows to the end instead.
            assertThat(frames.get(0).get("event").asText()).isIn("replay", "catch_up");
            List<JsonNode> replay = frames.stream().filter(f -> f.has("event_index")).toList();
            assertThat(replay.get(0).get("event_index").asInt()).isEqualTo(seen + 1);
            assertThat(replay.getLast().get("event").asText()).isEqualTo("RunCompleted");
            assertThat(replay.getLast().get("content").asText()).isEqualTo("one two three four five six seven eight nine ten");
        }

        @Test
        void resumingARunningStreamCatchesUpThenGoesLive() throws Exception {
            HttpResponse<InputStream> first = http.openForm("/teams/crew/runs",
                    form("message", unique("[stall] resumable"), "background", "true"));
            String runId;
            try (Sse.Reader events = new Sse.Reader(first.body())) {
                runId = events.until("TeamRunStarted").get("run_id").asText();
            }
            bed.awaitModelCall("[stall] resumable");
            HttpResponse<InputStream> again = http.openForm("/teams/crew/runs/" + runId + "/resume",
                    form("last_event_index", "0"));
            try (Sse.Reader events = new Sse.Reader(again.body())) {
                JsonNode catchUp = events.next().orElseThrow();
                assertThat(catchUp.get("event").asText()).isEqualTo("catch_up");
                JsonNode subscribed = events.until("subscribed");
                assertThat(subscribed.get("status").asText()).isEqualTo("running");
                assertThat(bed.store.getRun(runId).orElseThrow().status()).as("still running").isEqualTo(RunStatus.RUNNING);

                assertThat(http.post("/teams/crew/runs/" + runId + "/cancel").json().get("cancelled").asBoolean()).isTrue();
                List<JsonNode> live = events.rest();
                assertThat(Sse.names(live)).endsWith("TeamRunCancelled");
                assertThat(live.getLast().has("event_index")).isTrue();
            }
        }

        @Test
        void resumingAnUnknownRunIsAnErrorEvent() {
            Http.Response r = http.postForm("/agents/echo/runs/unknown-run/resume", form());
            assertThat(r.status()).isEqualTo(200);
            JsonNode error = Sse.lineBased(r.body()).get(0);
            assertThat(error.get("event").asText()).isEqualTo("error");
            assertThat(error.get("error").asText()).contains("not found");
        }
    }

    @Nested
    class Sessions {

        @Test
        void listGetRenameAndDelete() {
            String msg = unique("session talk");
            JsonNode run = http.postForm("/agents/echo/runs",
                    form("message", msg, "stream", "false", "user_id", "grace")).json();
            String sessionId = run.get("session_id").asText();

            JsonNode page = http.get("/sessions?type=agent&component_id=echo&user_id=grace&db_id=" + bed.store.id()).json();
            assertThat(page.get("data").findValuesAsText("session_id")).containsExactly(sessionId);
            JsonNode item = page.get("data").get(0);
            assertThat(item.get("session_name").asText()).isEqualTo(msg);
            assertThat(item.get("agent_id").asText()).isEqualTo("echo");
            assertThat(item.get("created_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
            assertThat(page.get("meta").get("total_count").asInt()).isEqualTo(1);
            assertThat(page.get("meta").get("page").asInt()).isEqualTo(1);
            assertThat(page.get("meta").get("limit").asInt()).isEqualTo(20);

            JsonNode detail = http.get("/sessions/" + sessionId).json();
            assertThat(detail.get("agent_id").asText()).isEqualTo("echo");
            assertThat(detail.get("chat_history").findValuesAsText("role")).contains("user", "assistant");

            JsonNode runs = http.get("/sessions/" + sessionId + "/runs").json();
            assertThat(runs.isArray()).isTrue();
            assertThat(runs.get(0).get("run_input").asText()).isEqualTo(msg);
            assertThat(runs.get(0).get("content").asText()).isEqualTo("Echo: " + msg);
            assertThat(runs.get(0).get("created_at").asText()).endsWith("Z");

            String runId = run.get("run_id").asText();
            assertThat(http.get("/sessions/" + sessionId + "/runs/" + runId).json().get("run_id").asText()).isEqualTo(runId);
            assertThat(http.get("/sessions/" + sessionId + "/runs/other").status()).isEqualTo(404);

            Http.Response renamed = http.postJson("/sessions/" + sessionId + "/rename", "{\"session_name\":\"Renamed\"}");
            assertThat(renamed.status()).isEqualTo(200);
            assertThat(renamed.json().get("session_name").asText()).isEqualTo("Renamed");
            assertThat(http.postJson("/sessions/" + sessionId + "/rename", "{}").status()).isEqualTo(422);
            assertThat(http.postJson("/sessions/" + sessionId + "/rename", "not json").status()).isEqualTo(422);
            assertThat(http.postJson("/sessions/none/rename", "{\"session_name\":\"x\"}").status()).isEqualTo(404);

            assertThat(http.delete("/sessions/" + sessionId).status()).isEqualTo(204);
            assertThat(http.get("/sessions/" + sessionId).status()).isEqualTo(404);
            assertThat(http.get("/sessions/" + sessionId + "/runs").status()).isEqualTo(404);
            assertThat(http.delete("/sessions/" + sessionId).status()).as("idempotent, as AgentOS").isEqualTo(204);
        }

        @Test
        void aTeamSessionWithoutDelegationListsItsOneTeamRun() {
            JsonNode run = http.postForm("/teams/crew/runs", form("message", unique("team talk"), "stream", "false")).json();
            String sessionId = run.get("session_id").asText();
            JsonNode page = http.get("/sessions?type=team&component_id=crew").json();
            assertThat(page.get("data").findValuesAsText("session_id")).contains(sessionId);
            JsonNode runs = http.get("/sessions/" + sessionId + "/runs?type=team").json();
            assertThat(runs).hasSize(1);
            assertThat(runs.get(0).get("team_id").asText()).isEqualTo("crew");
        }

        @Test
        void pagesAreLimited() {
            for (int i = 0; i < 3; i++) {
                http.postForm("/agents/echo/runs", form("message", unique("paged"), "stream", "false", "user_id", "pager"));
            }
            JsonNode page = http.get("/sessions?user_id=pager&limit=2&page=2").json();
            assertThat(page.get("data")).hasSize(1);
            assertThat(page.get("meta").get("total_pages").asInt()).isEqualTo(2);
            assertThat(page.get("meta").get("total_count").asInt()).isEqualTo(3);
        }
    }

    @Nested
    class Cors {

        @Test
        void preflightFromTheAgentUiOriginIsAllowed() {
            Http.Response r = http.options("/agents", Map.of("Origin", "http://localhost:3000",
                    "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "authorization,content-type"));
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo("http://localhost:3000");
            assertThat(r.header("Access-Control-Allow-Methods")).contains("GET", "POST", "DELETE", "PATCH");
            assertThat(r.header("Access-Control-Allow-Headers")).contains("authorization", "content-type");
            assertThat(r.header("Access-Control-Allow-Credentials")).isEqualTo("true");
            Http.Response deep = http.options("/sessions/some-session/runs?type=agent", Map.of(
                    "Origin", "http://localhost:3000", "Access-Control-Request-Method", "GET"));
            assertThat(deep.status()).isEqualTo(200);
            assertThat(deep.header("Access-Control-Allow-Origin")).isEqualTo("http://localhost:3000");
            assertThat(http.options("/sessions/s", Map.of("Origin", "http://localhost:3000",
                    "Access-Control-Request-Method", "DELETE")).header("Access-Control-Allow-Methods")).contains("DELETE");
        }

        @Test
        void responsesAndStreamsCarryTheAllowOrigin() {
            Http withOrigin = new Http(bed.server.baseUrl()).header("Origin", "http://localhost:3000");
            assertThat(withOrigin.get("/health").header("Access-Control-Allow-Origin")).isEqualTo("http://localhost:3000");
            Http.Response stream = withOrigin.postMultipart("/agents/echo/runs", form("message", unique("cors")));
            assertThat(stream.header("Access-Control-Allow-Origin")).isEqualTo("http://localhost:3000");
            assertThat(withOrigin.get("/agents/ghost").header("Access-Control-Allow-Origin")).isNotNull();
        }

        @Test
        void otherOriginsAreNotAllowed() {
            Http.Response r = http.options("/agents", Map.of("Origin", "http://evil.example",
                    "Access-Control-Request-Method", "GET"));
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.header("Access-Control-Allow-Origin")).isNull();
            assertThat(new Http(bed.server.baseUrl()).header("Origin", "http://evil.example").get("/agents")
                    .header("Access-Control-Allow-Origin")).isNull();
        }
    }
}
