package dev.cadre.server;

import static dev.cadre.server.Http.form;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.server.contract.AgnoShapes;
import org.junit.jupiter.api.Test;

/**
 * The session, metrics and memory routes answer with the status and JSON shape Agno's AgentOS gave to the same
 * requests (the captured answers of {@link AgnoShapes}). The shapes are the server's; {@link SessionApiContract}
 * runs the behaviour on every store.
 */
class SessionShapesTest extends AgainstOneServer {

    /** Cadre's answer to {@code path} has the status and shape Agno's AgentOS gave to {@code captured}. */
    void conforms(String captured, Http.Response r, String... absentOnPurpose) {
        AgnoShapes.Answer agno = AgnoShapes.answer(captured);
        assertThat(r.status()).as(captured + ": " + r.body()).isEqualTo(agno.status());
        if (agno.status() != 204) {
            AgnoShapes.assertConforms(captured, agno.shape(), r.json(), absentOnPurpose);
        }
    }

    @Test
    void every_answer_has_the_status_and_shape_agentos_gave() {
        String sessionId = http.postForm("/teams/crew/runs", form("message", "[team] shapes", "stream", "false"))
                .json().get("session_id").asText();
        Http.Response runs = http.get("/sessions/" + sessionId + "/runs?type=team");
        JsonNode member = runs.json().get(0);
        JsonNode team = runs.json().get(1);

        conforms("GET /sessions?type=team", http.get("/sessions?type=team"));
        conforms("GET /sessions?type=team&limit=1&page=2", http.get("/sessions?type=team&limit=1&page=2"));
        conforms("GET /sessions?type=team&sort_by=created_at&sort_order=asc",
                http.get("/sessions?type=team&sort_by=created_at&sort_order=asc"));
        conforms("GET /sessions?type=bogus", http.get("/sessions?type=bogus"));
        conforms("GET /sessions?limit=0", http.get("/sessions?limit=0"));
        conforms("GET /sessions/{id}?type=team", http.get("/sessions/" + sessionId + "?type=team"));
        AgnoShapes.assertConforms("a member run of GET /sessions/{id}/runs", AgnoShapes.answer(
                "GET /sessions/{id}/runs?type=team").shape().get(0), member);
        assertThat(team.get("team_id").asText()).isEqualTo("crew");
        conforms("GET /sessions/{id}/runs/{run_id}", http.get("/sessions/" + sessionId + "/runs/"
                + team.get("run_id").asText()));
        conforms("GET /sessions/unknown", http.get("/sessions/unknown-session"));
        conforms("GET /sessions/unknown/runs", http.get("/sessions/unknown-session/runs"));
        conforms("POST /sessions/{id}/rename", http.postJson("/sessions/" + sessionId + "/rename",
                "{\"session_name\": \"Renamed\"}"));
        conforms("POST /sessions/{id}/rename no name", http.postJson("/sessions/" + sessionId + "/rename", "{}"));
        conforms("PATCH /sessions/{id}", http.patchJson("/sessions/" + sessionId + "?type=team",
                "{\"session_name\": \"Patched\"}"));
        conforms("POST /sessions (create)", http.postJson("/sessions?type=team", "{\"session_name\": \"new\","
                + " \"team_id\": \"crew\"}"));
        conforms("DELETE /sessions (bulk)", http.deleteJson("/sessions", "{\"session_ids\": [\"" + sessionId
                + "\"], \"session_types\": [\"team\"]}"));
        conforms("GET /sessions/{deleted}", http.get("/sessions/" + sessionId));
        conforms("DELETE /sessions/unknown", http.delete("/sessions/unknown-session"));
        conforms("GET /memories", http.get("/memories?limit=20&page=1&sort_by=updated_at&sort_order=desc"));
        conforms("GET /metrics", http.get("/metrics"));
    }
}
