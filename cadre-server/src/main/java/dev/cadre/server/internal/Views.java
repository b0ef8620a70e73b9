package dev.cadre.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cadre.json.CadreJson;
import dev.cadre.run.RunResult;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** The JSON shapes of AgentOS's response models, built from Cadre's values; sessions' are {@link SessionViews}. */
final class Views {

    private Views() {
    }

    static ObjectNode obj() {
        return CadreJson.mapper().createObjectNode();
    }

    static void json(io.javalin.http.Context ctx, int status, JsonNode body) {
        ctx.status(status).contentType("application/json").result(CadreJson.write(body));
    }

    /** ISO-8601 UTC to the second, as pydantic writes the listing schemas' datetimes. */
    static String iso(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /**
     * {@code RunOutput.to_dict()} / {@code TeamRunOutput.to_dict()}: Cadre's JSON of the run plus the
     * few fields Agno always writes.
     */
    static ObjectNode run(RunResult run) {
        ObjectNode n = (ObjectNode) CadreJson.tree(run);
        if (!n.has("content_type")) {
            n.put("content_type", "str");
        }
        n.put("status", run.status().name());
        agentRunsHaveSessionState(n);
        StructuredJson.objects(n);
        run.error().ifPresent(e -> {
            // Agno keeps a failed run's message in content; Cadre keeps both.
            if (run.content().isEmpty()) {
                n.put("content", e.message());
            }
        });
        return n;
    }

    /**
     * Agno writes an agent run's {@code session_state} (the state of its session as the run left it). Cadre's agents
     * do not read or change session state, so it is empty — for a member run too.
     */
    private static void agentRunsHaveSessionState(ObjectNode n) {
        if (n.has("agent_id") && !n.has("session_state")) {
            n.putObject("session_state");
        }
        JsonNode members = n.get("member_responses");
        if (members != null && members.isArray()) {
            members.forEach(m -> {
                if (m instanceof ObjectNode o) {
                    agentRunsHaveSessionState(o);
                }
            });
        }
    }
}
