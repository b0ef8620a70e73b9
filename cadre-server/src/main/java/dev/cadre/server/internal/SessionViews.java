package dev.cadre.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.cadre.Component;
import dev.cadre.json.CadreJson;
import dev.cadre.model.Message;
import dev.cadre.model.Role;
import dev.cadre.run.RunResult;
import dev.cadre.run.TeamRunOutput;
import dev.cadre.db.ModelUsage;
import dev.cadre.db.SessionRecord;
import dev.cadre.db.SessionType;
import dev.cadre.db.SessionUsage;
import dev.cadre.db.TokenCounts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON of AgentOS's session models, built from Cadre's sessions and runs: {@code SessionSchema} (listing),
 * {@code AgentSessionDetailSchema} / {@code TeamSessionDetailSchema} (one session) and {@code RunSchema} /
 * {@code TeamRunSchema} (its runs). Immutable; thread-safe.
 */
final class SessionViews {

    /** Whether absent optional fields are left out (AgentOS's {@code exclude_none} routes) or written as null. */
    enum Absent {
        OMITTED, NULL
    }

    private final Map<String, ? extends Component<?>> agents;
    private final Map<String, ? extends Component<?>> teams;

    SessionViews(ServerSettings settings) {
        this.agents = settings.agents();
        this.teams = settings.teams();
    }

    /** An item of {@code GET /sessions}: the session row and its usage, no runs read. */
    ObjectNode session(SessionRecord s) {
        ObjectNode n = Views.obj();
        n.put("session_id", s.sessionId());
        n.put("session_name", s.displayName());
        n.set("session_state", s.sessionState());
        n.put("created_at", Views.iso(s.createdAt()));
        n.put("updated_at", Views.iso(s.updatedAt()));
        n.put("session_type", s.type().wireName());
        s.userId().ifPresent(u -> n.put("user_id", u));
        n.put(s.type() == SessionType.TEAM ? "team_id" : "agent_id", s.componentId());
        s.summary().ifPresent(v -> n.set("session_summary", v));
        n.set("metrics", metrics(s.usage()));
        n.put("total_tokens", s.usage().tokens().totalTokens());
        s.metadata().ifPresent(v -> n.set("metadata", v));
        return n;
    }

    /**
     * AgentOS's session metrics: the token counts (zero counts left out, as AgentOS writes them) and
     * {@code details.model}, one entry per model with its id and provider as the runs' per-model metrics name it
     * ({@code OpenAI Responses}).
     */
    ObjectNode metrics(SessionUsage usage) {
        ObjectNode n = tokens(usage.tokens());
        ArrayNode models = CadreJson.mapper().createArrayNode();
        for (ModelUsage m : usage.models()) {
            if (!m.modelId().isEmpty()) {
                ObjectNode entry = tokens(m.tokens());
                entry.put("id", m.modelId());
                entry.put("provider", m.provider());
                models.add(entry);
            }
        }
        if (!models.isEmpty()) {
            n.putObject("details").set("model", models);
        }
        return n;
    }

    private static ObjectNode tokens(TokenCounts t) {
        ObjectNode n = Views.obj();
        putNonZero(n, "input_tokens", t.inputTokens());
        putNonZero(n, "output_tokens", t.outputTokens());
        putNonZero(n, "total_tokens", t.totalTokens());
        putNonZero(n, "cache_read_tokens", t.cacheReadTokens());
        putNonZero(n, "cache_write_tokens", t.cacheWriteTokens());
        putNonZero(n, "reasoning_tokens", t.reasoningTokens());
        return n;
    }

    private static void putNonZero(ObjectNode n, String field, long value) {
        if (value != 0) {
            n.put(field, value);
        }
    }

    /**
     * One session: {@code AgentSessionDetailSchema} or {@code TeamSessionDetailSchema}, in their field order.
     * {@code runs} are the session's top-level runs with their members; the chat history holds the user and
     * assistant turns of the ended ones, as AgentOS's {@code get_chat_history} does (no system prompts, no tool
     * results, no member runs' messages, no messages an earlier run contributed as history).
     */
    ObjectNode detail(SessionRecord s, List<RunResult> runs, Absent absent) {
        ObjectNode n = Views.obj();
        boolean team = s.type() == SessionType.TEAM;
        Optional<ObjectNode> data = runs.isEmpty() ? Optional.empty() : componentData(s);
        if (team) {
            n.put("session_id", s.sessionId());
            n.put("session_name", s.displayName());
            optional(n, "user_id", s.userId().map(TextNode::valueOf), absent);
            n.put("team_id", s.componentId());
            optional(n, "session_summary", s.summary(), absent);
            n.set("session_state", s.sessionState());
            n.set("metrics", metrics(s.usage()));
            optional(n, "team_data", data, absent);
            optional(n, "metadata", s.metadata(), absent);
            n.set("chat_history", chatHistory(runs));
            n.put("created_at", Views.iso(s.createdAt()));
            n.put("updated_at", Views.iso(s.updatedAt()));
            n.put("total_tokens", s.usage().tokens().totalTokens());
        } else {
            optional(n, "user_id", s.userId().map(TextNode::valueOf), absent);
            n.put("agent_session_id", s.sessionId());
            n.put("session_id", s.sessionId());
            n.put("session_name", s.displayName());
            optional(n, "session_summary", s.summary(), absent);
            n.set("session_state", s.sessionState());
            n.put("agent_id", s.componentId());
            n.put("total_tokens", s.usage().tokens().totalTokens());
            optional(n, "agent_data", data, absent);
            n.set("metrics", metrics(s.usage()));
            optional(n, "metadata", s.metadata(), absent);
            n.set("chat_history", chatHistory(runs));
            n.put("created_at", Views.iso(s.createdAt()));
            n.put("updated_at", Views.iso(s.updatedAt()));
        }
        return n;
    }

    private static void optional(ObjectNode n, String field, Optional<? extends JsonNode> value, Absent absent) {
        if (value.isPresent()) {
            n.set(field, value.get());
        } else if (absent == Absent.NULL) {
            n.putNull(field);
        }
    }

    /** {@code team_data} / {@code agent_data}: the component as the server knows it, when it still does. */
    private Optional<ObjectNode> componentData(SessionRecord s) {
        boolean team = s.type() == SessionType.TEAM;
        Component<?> c = (team ? teams : agents).get(s.componentId());
        if (c == null) {
            return Optional.empty();
        }
        ObjectNode n = Views.obj();
        n.put("name", c.name());
        n.put(team ? "team_id" : "agent_id", c.id());
        c.model().ifPresent(m -> {
            ObjectNode model = n.putObject("model");
            model.put("name", m.name());
            model.put("provider", m.provider());
            model.put("id", m.id());
        });
        return Optional.of(n);
    }

    private static ArrayNode chatHistory(List<RunResult> runs) {
        ArrayNode history = CadreJson.mapper().createArrayNode();
        for (RunResult r : runs) {
            if (r.parentRunId().isPresent() || !r.status().isTerminal()) {
                continue;
            }
            for (Message m : r.messages()) {
                if (m.role() != Role.SYSTEM && m.role() != Role.TOOL && !m.fromHistory()) {
                    history.add(CadreJson.tree(m));
                }
            }
        }
        return history;
    }

    /**
     * The runs of {@code /sessions/{id}/runs} in AgentOS's order: each member run before the run that delegated
     * to it (a session keeps a member run when it ends, its team run when that ends), members in the order they
     * started, top-level runs oldest first.
     */
    static List<RunResult> membersFirst(List<RunResult> topLevel) {
        List<RunResult> out = new ArrayList<>();
        for (RunResult r : topLevel) {
            addMembersFirst(r, out);
        }
        return out;
    }

    private static void addMembersFirst(RunResult r, List<RunResult> out) {
        if (r instanceof TeamRunOutput t) {
            t.memberResponses().forEach(m -> addMembersFirst(m, out));
        }
        out.add(r);
    }

    /** {@code RunSchema} / {@code TeamRunSchema}, the listing shape of {@code /sessions/{id}/runs}. */
    static ObjectNode runSchema(RunResult run) {
        return runSchema(run, Absent.OMITTED);
    }

    /**
     * {@code RunSchema} / {@code TeamRunSchema}; with {@link Absent#NULL}, as {@code /sessions/{id}/runs/{run_id}}
     * answers it, also the fields Cadre has no value for, as null.
     */
    static ObjectNode runSchema(RunResult run, Absent absent) {
        ObjectNode n = Views.obj();
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
        if (run.isStructured()) {
            n.put("content_type", run.contentType());
            StructuredJson.objects(n);
            n.remove("content_type"); // the listing schema has run_response_format instead
        }
        n.put("run_response_format", StructuredJson.responseFormat(run));
        n.put("reasoning_content", run.reasoningContent());
        n.putArray("reasoning_steps");
        JsonNode metrics = CadreJson.tree(run.metrics());
        n.set("metrics", metrics == null || metrics.isNull() ? Views.obj() : metrics);
        n.set("messages", CadreJson.tree(run.messages()));
        if (!run.tools().isEmpty()) {
            n.set("tools", CadreJson.tree(run.tools()));
        }
        run.error().ifPresent(e -> n.set("error", CadreJson.tree(e)));
        n.put("created_at", Views.iso(run.createdAt()));
        n.putArray("references");
        n.putArray("reasoning_messages");
        n.putObject("session_state");
        n.putArray("images");
        n.putArray("videos");
        n.putArray("audio");
        n.putArray("files");
        ObjectNode media = n.putObject("input_media");
        media.putArray("images");
        media.putArray("videos");
        media.putArray("audios");
        media.putArray("files");
        if (absent == Absent.NULL) {
            for (String field : List.of("tools", "events", "citations", "response_audio", "followups",
                    "forked_from_run_id", "forked_from_message_index", "forked_from_session_id", "regenerated_from",
                    "last_checkpoint_at_message_index")) {
                if (!n.has(field)) {
                    n.putNull(field);
                }
            }
        }
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
}
