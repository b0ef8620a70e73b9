package dev.cadre.server.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cadre.db.Db;
import dev.cadre.db.Page;
import dev.cadre.json.CadreJson;
import dev.cadre.memory.MemoryOrder;
import dev.cadre.memory.MemoryQuery;
import dev.cadre.memory.MemoryStats;
import dev.cadre.memory.MemoryStore;
import dev.cadre.memory.UserMemory;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * AgentOS's user-memory routes on the server's db ({@link Db#memories()}), shaped as AgentOS shapes them.
 *
 * <p><b>Whose memories.</b> As in AgentOS, a caller under user isolation (a token's user, not an admin) reaches only
 * their own memories — the {@code user_id} they send is replaced by their own, and another user's memory is treated
 * exactly as one that does not exist; any other caller names the user with {@code user_id}, or reaches everyone's.
 *
 * <p><b>Differences.</b> An update ({@code PATCH}) of a memory that does not exist is a 404, where AgentOS would
 * create it; {@code sort_by} accepts the columns Cadre sorts by and refuses others with a 422, where AgentOS leaves
 * the listing unsorted; {@code /optimize-memories} (a model rewriting a user's memories) is not offered.
 */
final class MemoryRoutes {

    private static final String SORT_KEYS = String.join(", ", Arrays.stream(MemoryOrder.Key.values())
            .map(MemoryOrder.Key::column).toList());

    private final Db db;
    private final Duration requestTimeout;

    MemoryRoutes(Db db, Duration requestTimeout) {
        this.db = db;
        this.requestTimeout = requestTimeout;
    }

    /** The store, or a 501 for a db that keeps no memories (a custom store). */
    private MemoryStore store() {
        return db.memories().orElseThrow(() -> new ApiException(501, "This server's database keeps no user "
                + "memories"));
    }

    /** The user a call is about: the caller's own under isolation, else the one the client names (if any). */
    private static Optional<String> user(Context ctx, Optional<String> fromClient) {
        return Access.caller(ctx).scopedUserId().or(() -> fromClient);
    }

    /** {@code GET /memories}: a page of {@code UserMemorySchema}. */
    void list(Context ctx) {
        MemoryQuery q = MemoryQuery.all();
        Optional<String> user = user(ctx, Forms.queryId(ctx, "user_id"));
        if (user.isPresent()) {
            q = q.withUserId(user.get());
        }
        Optional<String> agent = Forms.queryId(ctx, "agent_id");
        if (agent.isPresent()) {
            q = q.withAgentId(agent.get());
        }
        Optional<String> team = Forms.queryId(ctx, "team_id");
        if (team.isPresent()) {
            q = q.withTeamId(team.get());
        }
        Optional<String> search = Forms.queryText(ctx, "search_content");
        if (search.isPresent()) {
            q = q.withContentContaining(search.get());
        }
        q = q.withTopics(topics(ctx));
        q = q.withOrder(new MemoryOrder(sortKey(ctx), Queries.ascending(ctx, "sort_order")));
        int limit = Queries.integer(ctx, "limit", 20, 1, 1000);
        int page = Math.max(1, Queries.integer(ctx, "page", 1, 0, Integer.MAX_VALUE));
        long t0 = System.nanoTime();
        Page<UserMemory> result = store().list(q.withPage(page, limit));
        ArrayNode data = CadreJson.mapper().createArrayNode();
        result.items().forEach(m -> data.add(view(m)));
        ObjectNode body = Views.obj();
        body.set("data", data);
        body.set("meta", SessionRoutes.meta(page, limit, result.totalPages(), result.total(),
                (System.nanoTime() - t0) / 1_000_000.0));
        Views.json(ctx, 200, body);
    }

    /** AgentOS's {@code topics}: one comma-separated value. */
    private static List<String> topics(Context ctx) {
        return Forms.queryText(ctx, "topics").map(v -> Arrays.stream(v.split(",")).map(String::strip)
                .filter(t -> !t.isEmpty()).toList()).orElse(List.of());
    }

    private static MemoryOrder.Key sortKey(Context ctx) {
        Optional<String> by = Forms.queryText(ctx, "sort_by");
        if (by.isEmpty()) {
            return MemoryOrder.Key.UPDATED_AT;
        }
        String wanted = by.get().toLowerCase(Locale.ROOT);
        return Arrays.stream(MemoryOrder.Key.values()).filter(k -> k.column().equals(wanted)).findFirst()
                .orElseThrow(() -> Forms.validation("query", "enum", "sort_by", "Input should be one of: "
                        + SORT_KEYS, Forms.printable(by.get())));
    }

    /** {@code GET /memories/{memory_id}}. */
    void get(Context ctx) {
        String id = Forms.pathId(ctx, "memory_id");
        UserMemory m = store().get(id, user(ctx, Forms.queryId(ctx, "user_id")))
                .orElseThrow(() -> notFound(id));
        Views.json(ctx, 200, view(m));
    }

    /** {@code GET /memory_topics}: every topic, each once, in alphabetical order. */
    void topicList(Context ctx) {
        ArrayNode a = CadreJson.mapper().createArrayNode();
        store().topics(user(ctx, Forms.queryId(ctx, "user_id"))).forEach(a::add);
        Views.json(ctx, 200, a);
    }

    /** {@code GET /user_memory_stats}: a page of {@code UserStatsSchema}, users last updated first. */
    void userStats(Context ctx) {
        Optional<String> user = user(ctx, Forms.queryId(ctx, "user_id"));
        int limit = Queries.integer(ctx, "limit", 20, 1, 1000);
        int page = Math.max(1, Queries.integer(ctx, "page", 1, 0, Integer.MAX_VALUE));
        long t0 = System.nanoTime();
        Page<MemoryStats> stats = store().userStats(user, page, limit);
        ArrayNode data = CadreJson.mapper().createArrayNode();
        for (MemoryStats s : stats.items()) {
            ObjectNode n = data.addObject();
            n.put("user_id", s.userId());
            n.put("total_memories", s.totalMemories());
            n.put("last_memory_updated_at", Views.iso(s.lastMemoryUpdatedAt()));
        }
        ObjectNode body = Views.obj();
        body.set("data", data);
        body.set("meta", SessionRoutes.meta(page, limit, stats.totalPages(), stats.total(),
                (System.nanoTime() - t0) / 1_000_000.0));
        Views.json(ctx, 200, body);
    }

    /** {@code POST /memories}: a new memory, 200 with it as stored. */
    void create(Context ctx) {
        Payload p = payload(ctx);
        UserMemory stored = store().upsert(UserMemory.of(p.user(), p.memory(), p.topics())).orElseThrow();
        Views.json(ctx, 200, view(stored));
    }

    /** {@code PATCH /memories/{memory_id}}: a new text (and topics) for a memory of the user. */
    void update(Context ctx) {
        String id = Forms.pathId(ctx, "memory_id");
        Payload p = payload(ctx);
        MemoryStore store = store();
        UserMemory existing = store.get(id, Optional.of(p.user())).orElseThrow(() -> notFound(id));
        UserMemory stored = store.upsert(existing.withMemory(p.memory(), p.topics())).orElseThrow(() -> notFound(id));
        Views.json(ctx, 200, view(stored));
    }

    /** {@code DELETE /memories/{memory_id}}: 204, whether or not there was one (as AgentOS answers). */
    void delete(Context ctx) {
        String id = Forms.pathId(ctx, "memory_id");
        store().delete(id, user(ctx, Forms.queryId(ctx, "user_id")));
        ctx.status(204);
    }

    /** {@code DELETE /memories} with {@code {"memory_ids": [...], "user_id": ...}}: 204. */
    void deleteMany(Context ctx) {
        ObjectNode body = JsonBodies.required(ctx, requestTimeout);
        List<String> ids = JsonBodies.texts(body, "memory_ids");
        Optional<String> user = user(ctx, JsonBodies.id(body, "user_id"));
        store().delete(ids, user);
        ctx.status(204);
    }

    /** {@code POST /optimize-memories}: AgentOS's answer for a user without memories; Cadre rewrites none. */
    void optimize(Context ctx) {
        ObjectNode body = JsonBodies.required(ctx, requestTimeout);
        Optional<String> user = user(ctx, JsonBodies.id(body, "user_id"));
        JsonBodies.text(body, "model");
        if (user.isEmpty()) {
            throw JsonBodies.invalid(List.of("body", "user_id"), "missing", "Field required", NullNode.getInstance());
        }
        if (store().ofUser(user.get()).isEmpty()) {
            throw new ApiException(404, "No memories found for user " + user.get());
        }
        throw new ApiException(501, "This server does not optimize memories; edit them with PATCH /memories/{id}"
                + " or DELETE /memories");
    }

    /** AgentOS's {@code UserMemoryCreateSchema}: a memory of 1 to 5000 characters, topics, and a user for it. */
    private record Payload(String memory, List<String> topics, String user) {
    }

    private Payload payload(Context ctx) {
        ObjectNode body = JsonBodies.required(ctx, requestTimeout);
        String memory = JsonBodies.text(body, "memory").orElseThrow(() -> JsonBodies.invalid(List.of("body",
                "memory"), "missing", "Field required", NullNode.getInstance()));
        if (memory.isBlank() || memory.length() > 5000) {
            throw JsonBodies.invalid(List.of("body", "memory"), memory.length() > 5000 ? "string_too_long"
                    : "string_too_short", "String should have between 1 and 5000 characters (not only spaces)",
                    body.get("memory"));
        }
        List<String> topics = JsonBodies.optionalTexts(body, "topics").orElse(List.of()).stream()
                .map(String::strip).filter(t -> !t.isEmpty()).distinct().toList();
        String user = user(ctx, JsonBodies.id(body, "user_id"))
                .orElseThrow(() -> new ApiException(400, "User ID is required"));
        return new Payload(memory, topics, user);
    }

    private static ApiException notFound(String id) {
        return new ApiException(404, "Memory with ID " + id + " not found");
    }

    /** AgentOS's {@code UserMemorySchema}: absent ids are {@code null}, the update time ISO-8601 UTC. */
    static ObjectNode view(UserMemory m) {
        ObjectNode n = Views.obj();
        n.put("memory_id", m.memoryId());
        n.put("memory", m.memory());
        ArrayNode topics = n.putArray("topics");
        m.topics().forEach(topics::add);
        n.put("agent_id", m.agentId().orElse(null));
        n.put("team_id", m.teamId().orElse(null));
        n.put("user_id", m.userId());
        n.put("updated_at", Views.iso(m.updatedAt()));
        return n;
    }
}
