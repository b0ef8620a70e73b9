package dev.cadre.server.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cadre.json.CadreJson;
import dev.cadre.run.RunResult;
import dev.cadre.db.Page;
import dev.cadre.db.SessionOrder;
import dev.cadre.db.SessionQuery;
import dev.cadre.db.SessionRecord;
import dev.cadre.db.Db;
import io.javalin.http.Context;
import java.util.List;
import java.util.Optional;

/**
 * The session routes that read: list (a constant number of statements per page), get, a session's runs and one
 * run; {@link SessionEdits} has those that write. Under user isolation a caller sees only their own sessions;
 * another user's session is treated as one that does not exist.
 */
final class SessionRoutes {

    private final Db store;
    private final SessionViews views;

    SessionRoutes(Db store, SessionViews views) {
        this.store = store;
        this.views = views;
    }

    void list(Context ctx) {
        SessionQuery q = SessionQuery.all();
        var type = Queries.sessionType(ctx);
        if (type.isPresent()) {
            q = q.withType(type.get());
        }
        var component = Forms.queryId(ctx, "component_id");
        if (component.isPresent()) {
            q = q.withComponentId(component.get());
        }
        var user = Forms.queryId(ctx, "user_id");
        if (user.isPresent()) {
            q = q.withUserId(user.get());
        }
        var name = Forms.queryText(ctx, "session_name");
        if (name.isPresent()) {
            q = q.withNameContaining(name.get());
        }
        q = q.withOrder(new SessionOrder(sortKey(ctx), Queries.ascending(ctx, "sort_order")));
        int limit = Queries.integer(ctx, "limit", 20, 1, 1000);
        int page = Math.max(1, Queries.integer(ctx, "page", 1, 0, Integer.MAX_VALUE));
        q = Access.scope(ctx, q.withPage(page, limit));
        long t0 = System.nanoTime();
        Page<SessionRecord> result = store.listSessions(q);
        ArrayNode data = CadreJson.mapper().createArrayNode();
        for (SessionRecord s : result.items()) {
            data.add(views.session(s));
        }
        ObjectNode body = Views.obj();
        body.set("data", data);
        body.set("meta", meta(result.page(), result.limit(), result.totalPages(), result.total(),
                (System.nanoTime() - t0) / 1_000_000.0));
        Views.json(ctx, 200, body);
    }

    /**
     * AgentOS sorts by any column of its session table and leaves an unknown one unsorted; Cadre keeps two time
     * orders, so anything but {@code updated_at} lists by creation, as AgentOS's default does.
     */
    private static SessionOrder.Key sortKey(Context ctx) {
        return Forms.queryText(ctx, "sort_by").filter("updated_at"::equals).isPresent() ? SessionOrder.Key.UPDATED_AT
                : SessionOrder.Key.CREATED_AT;
    }

    /** AgentOS's {@code PaginationInfo}. */
    static ObjectNode meta(int page, int limit, long totalPages, long total, double searchMillis) {
        ObjectNode meta = Views.obj();
        meta.put("page", page);
        meta.put("limit", limit);
        meta.put("total_pages", totalPages);
        meta.put("total_count", total);
        meta.put("search_time_ms", searchMillis);
        return meta;
    }

    void get(Context ctx) {
        Queries.sessionType(ctx);
        SessionRecord s = visible(ctx, Forms.pathId(ctx, "session_id"), Optional.empty());
        Views.json(ctx, 200, views.detail(s, store.listRuns(s.sessionId()), SessionViews.Absent.OMITTED));
    }

    /**
     * The session's runs, member runs included, each before the team run that delegated to it. Only runs that
     * have ended are listed unless {@code include_running=true}: the Agent UI fetches this list while the first
     * run of a new chat streams and replaces what it shows with the answer, so a run in progress must not be
     * there — AgentOS, which stores a run when it ends, answers 404 then, and so does Cadre when nothing is left
     * to list. A member run counts only with its team run.
     */
    void runs(Context ctx) {
        String sessionId = Forms.pathId(ctx, "session_id");
        Queries.sessionType(ctx);
        boolean includeRunning = Queries.bool(ctx, "include_running", false);
        Optional<Long> after = Queries.epochSeconds(ctx, "created_after");
        Optional<Long> before = Queries.epochSeconds(ctx, "created_before");
        String unknown = "Session with ID " + sessionId + " not found";
        visible(ctx, sessionId, Optional.of(unknown));
        List<RunResult> topLevel = store.listRuns(sessionId);
        if (topLevel.isEmpty()) {
            throw new ApiException(404, "Session with ID " + sessionId + " has no runs");
        }
        // A member run that has ended while its team run goes on is not listed either: the team run's answer
        // is what the UI would have to show.
        List<RunResult> listed = SessionViews.membersFirst(topLevel.stream()
                        .filter(r -> includeRunning || r.status().isTerminal()).toList()).stream()
                .filter(r -> includeRunning || r.status().isTerminal())
                .toList();
        if (listed.isEmpty()) {
            throw new ApiException(404, unknown);
        }
        ArrayNode a = CadreJson.mapper().createArrayNode();
        listed.stream()
                .filter(r -> after.map(t -> r.createdAt().getEpochSecond() >= t).orElse(true))
                .filter(r -> before.map(t -> r.createdAt().getEpochSecond() <= t).orElse(true))
                .forEach(r -> a.add(SessionViews.runSchema(r)));
        Views.json(ctx, 200, a);
    }

    /** One run of the session by id, a member run or one still in progress included. */
    void run(Context ctx) {
        String sessionId = Forms.pathId(ctx, "session_id");
        String runId = Forms.pathId(ctx, "run_id");
        visible(ctx, sessionId, Optional.of("Session with ID " + sessionId + " not found"));
        RunResult run = store.getRun(runId).filter(r -> r.sessionId().equals(sessionId))
                .orElseThrow(() -> new ApiException(404, "Run with ID " + runId + " not found in session " + sessionId));
        Views.json(ctx, 200, SessionViews.runSchema(run, SessionViews.Absent.NULL));
    }

    /** The session, if the caller may see it; else a 404 with {@code notFound} (AgentOS's wording by default). */
    SessionRecord visible(Context ctx, String sessionId, Optional<String> notFound) {
        return store.getSession(sessionId).filter(s -> Access.sees(ctx, s)).orElseThrow(() -> new ApiException(404,
                notFound.orElse("Session with id '" + sessionId + "' not found")));
    }
}
