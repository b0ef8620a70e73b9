package dev.cadre.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cadre.json.CadreJson;
import dev.cadre.model.Message;
import dev.cadre.model.Role;
import dev.cadre.run.RunResult;
import dev.cadre.run.TeamRunOutput;
import dev.cadre.store.SessionRecord;
import dev.cadre.store.SessionType;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** The JSON shapes of AgentOS's response models, built from Cadre's values. */
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

    /** {@code RunSchema} / {@code TeamRunSchema}, the listing shape of {@code /sessions/{id}/runs}. */
    static ObjectNode runSchema(RunResult run) {
        ObjectNode n = obj();
        n.put("run_id", run.runId());
        n.put("parent_run_id", run.parentRunId().orElse(""));
        if (run instanceof TeamRunOutput) {
            n.put("team_id", run.componentId());
        } else {
            n.put("agent_id", run.componentId());
            n.put("user_id", run.userId().orElse(""));
        }
        n.put("status", run.status().name());
        n.put("run_input", runInput(run));
        n.put("content", run.content().isEmpty() && run.error().isPresent() ? run.error().get().message() : run.content());
        n.put("run_response_format", "text");
        n.put("reasoning_content", "");
        n.putArray("reasoning_steps");
        JsonNode metrics = CadreJson.tree(run.metrics());
        n.set("metrics", metrics == null || metrics.isNull() ? obj() : metrics);
        n.set("messages", CadreJson.tree(run.messages()));
        if (!run.tools().isEmpty()) {
            n.set("tools", CadreJson.tree(run.tools()));
        }
        run.error().ifPresent(e -> n.set("error", CadreJson.tree(e)));
        n.put("created_at", iso(run.createdAt()));
        n.putArray("references");
        n.putArray("reasoning_messages");
        n.putArray("images");
        n.putArray("videos");
        n.putArray("audio");
        n.putArray("files");
        ObjectNode media = n.putObject("input_media");
        media.putArray("images");
        media.putArray("videos");
        media.putArray("audios");
        media.putArray("files");
        return n;
    }

    static String runInput(RunResult run) {
        if (!run.input().inputContent().isEmpty()) {
            return run.input().inputContent();
        }
        for (int i = run.messages().size() - 1; i >= 0; i--) {
            Message m = run.messages().get(i);
            if (m.role() == Role.USER && m.content() != null) {
                return m.content();
            }
        }
        return "";
    }

    /** {@code SessionSchema}, an item of {@code GET /sessions}: the session row alone, no runs read. */
    static ObjectNode session(SessionRecord s) {
        ObjectNode n = obj();
        n.put("session_id", s.sessionId());
        n.put("session_name", s.displayName());
        n.putObject("session_state");
        n.put("created_at", iso(s.createdAt()));
        n.put("updated_at", iso(s.updatedAt()));
        n.put("session_type", s.type().wireName());
        s.userId().ifPresent(u -> n.put("user_id", u));
        n.put(s.type() == SessionType.TEAM ? "team_id" : "agent_id", s.componentId());
        return n;
    }

    /** {@code AgentSessionDetailSchema} / {@code TeamSessionDetailSchema}. */
    static ObjectNode sessionDetail(SessionRecord s, List<RunResult> runs) {
        ObjectNode n = obj();
        n.put("session_id", s.sessionId());
        n.put("session_name", s.displayName());
        s.userId().ifPresent(u -> n.put("user_id", u));
        if (s.type() == SessionType.TEAM) {
            n.put("team_id", s.componentId());
        } else {
            n.put("agent_session_id", s.sessionId());
            n.put("agent_id", s.componentId());
        }
        n.put("session_type", s.type().wireName());
        n.putObject("session_state");
        ArrayNode history = n.putArray("chat_history");
        long total = 0;
        for (RunResult r : runs) {
            for (Message m : r.messages()) {
                history.add(CadreJson.tree(m));
            }
            total += r.metrics().totalTokens();
        }
        n.put("total_tokens", total);
        n.put("created_at", iso(s.createdAt()));
        n.put("updated_at", iso(s.updatedAt()));
        return n;
    }
}
