package dev.cadre.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cadre.json.CadreJson;
import dev.cadre.run.RunResult;
import dev.cadre.store.Page;
import dev.cadre.store.SessionQuery;
import dev.cadre.store.SessionRecord;
import dev.cadre.store.SessionType;
import dev.cadre.store.Store;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * The session routes: list (one query per page), get, a session's runs, one run, rename and delete. Under
 * user isolation a caller sees only their own sessions; another user's session is treated as one that does
 * not exist.
 */
final class SessionRoutes {

    private final Store store;
    private final java.time.Duration requestTimeout;

    SessionRoutes(Store store, java.time.Duration requestTimeout) {
        this.store = store;
        this.requestTimeout = requestTimeout;
    }

    void list(Context ctx) {
        SessionQuery q = SessionQuery.all();
        var type = Forms.queryText(ctx, "type");
        if (type.isPresent()) {
            q = q.withType(sessionType(type.get()));
        }
        var component = Forms.queryId(ctx, "component_id");
        if (component.isPresent()) {
            q = q.withComponentId(component.get());
        }
        var user = Forms.queryId(ctx, "user_id");
        if (user.isPresent()) {
            q = q.withUserId(user.get());
        }
        // Accepted (and checked) as AgentOS takes them; not applied yet.
        Forms.queryText(ctx, "session_name");
        Forms.queryText(ctx, "sort_by");
        Forms.queryText(ctx, "sort_order");
        int limit = intQuery(ctx, "limit", 20, 1, 1000);
        int page = Math.max(1, intQuery(ctx, "page", 1, 0, Integer.MAX_VALUE));
        q = Access.scope(ctx, q.withPage(page, limit));
        long t0 = System.nanoTime();
        Page<SessionRecord> result = store.listSessions(q);
        ArrayNode data = CadreJson.mapper().createArrayNode();
        for (SessionRecord s : result.items()) {
            data.add(Views.session(s));
        }
        ObjectNode body = Views.obj();
        body.set("data", data);
        ObjectNode meta = body.putObject("meta");
        meta.put("page", result.page());
        meta.put("limit", result.limit());
        meta.put("total_pages", result.totalPages());
        meta.put("total_count", result.total());
        meta.put("search_time_ms", (System.nanoTime() - t0) / 1_000_000.0);
        Views.json(ctx, 200, body);
    }

    void get(Context ctx) {
        SessionRecord s = visible(ctx, Forms.pathId(ctx, "session_id"));
        Views.json(ctx, 200, Views.sessionDetail(s, store.listRuns(s.sessionId())));
    }

    /**
     * The session's top-level runs. 404 while the session has no stored run: the Agent UI fetches this
     * while the first run of a new chat streams, and an empty list would wipe the answer it shows.
     */
    void runs(Context ctx) {
        String sessionId = Forms.pathId(ctx, "session_id");
        visible(ctx, sessionId, "Session with ID " + sessionId + " not found");
        List<RunResult> runs = store.listRuns(sessionId);
        if (runs.isEmpty()) {
            throw new ApiException(404, "Session with ID " + sessionId + " has no runs");
        }
        ArrayNode a = CadreJson.mapper().createArrayNode();
        runs.stream().filter(r -> r.parentRunId().isEmpty()).forEach(r -> a.add(Views.runSchema(r)));
        Views.json(ctx, 200, a);
    }

    void run(Context ctx) {
        String sessionId = Forms.pathId(ctx, "session_id");
        String runId = Forms.pathId(ctx, "run_id");
        visible(ctx, sessionId, "Session with ID " + sessionId + " not found");
        RunResult run = store.getRun(runId).filter(r -> r.sessionId().equals(sessionId))
                .orElseThrow(() -> new ApiException(404, "Run with ID " + runId + " not found in session " + sessionId));
        Views.json(ctx, 200, Views.runSchema(run));
    }

    void rename(Context ctx) {
        String sessionId = Forms.pathId(ctx, "session_id");
        JsonNode body;
        String text;
        try (var reading = Connections.bodyDeadline(ctx, requestTimeout)) {
            text = ctx.body();
        }
        try {
            body = text.isBlank() ? null : CadreJson.mapper().readTree(text);
        } catch (IOException e) {
            throw new ApiException(422, "The body must be JSON like {\"session_name\": \"...\"}");
        }
        JsonNode name = body == null ? null : body.get("session_name");
        if (name == null || !name.isTextual()) {
            throw Forms.validation("missing", "session_name", "Field required", null);
        }
        if (name.asText().isBlank()) {
            throw new ApiException(400, "session_name must not be blank");
        }
        String newName = Forms.text("body", "session_name", name.asText());
        visible(ctx, sessionId);
        if (!store.renameSession(sessionId, newName)) {
            throw notFound(sessionId);
        }
        SessionRecord s = visible(ctx, sessionId);
        Views.json(ctx, 200, Views.sessionDetail(s, store.listRuns(sessionId)));
    }

    /** 204 whether or not there was such a session, as AgentOS answers; another user's is left alone. */
    void delete(Context ctx) {
        String sessionId = Forms.pathId(ctx, "session_id");
        store.getSession(sessionId).filter(s -> Access.sees(ctx, s)).ifPresent(s -> store.deleteSession(sessionId));
        ctx.status(204);
    }

    private SessionRecord visible(Context ctx, String sessionId) {
        return visible(ctx, sessionId, null);
    }

    private SessionRecord visible(Context ctx, String sessionId, String notFound) {
        return store.getSession(sessionId).filter(s -> Access.sees(ctx, s))
                .orElseThrow(() -> notFound == null ? notFound(sessionId) : new ApiException(404, notFound));
    }

    private static ApiException notFound(String sessionId) {
        return new ApiException(404, "Session with id '" + sessionId + "' not found");
    }

    private static SessionType sessionType(String type) {
        return switch (type.trim().toLowerCase(Locale.ROOT)) {
            case "agent" -> SessionType.AGENT;
            case "team" -> SessionType.TEAM;
            default -> throw Forms.validation("query", "enum", "type", "Input should be 'agent' or 'team'", type);
        };
    }

    private static int intQuery(Context ctx, String name, int dflt, int min, int max) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        int n;
        try {
            n = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw Forms.validation("query", "int_parsing", name,
                    "Input should be a valid integer, unable to parse string as an integer", v);
        }
        if (n < min || n > max) {
            throw Forms.validation("query", "out_of_range", name, "Input should be between " + min + " and " + max, v);
        }
        return n;
    }
}
