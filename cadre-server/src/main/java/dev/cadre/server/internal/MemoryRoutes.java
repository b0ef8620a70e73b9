package dev.cadre.server.internal;

import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cadre.json.CadreJson;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * AgentOS's user-memory routes as AgentOS answers them for a deployment that has no user memories: Cadre keeps
 * none (yet), so listings are empty, a memory by id is not found, deleting one finds nothing to delete, and a new
 * one cannot be kept (501). Bodies and parameters are still validated as AgentOS does, so a client's mistakes are
 * the same 4xx either way.
 */
final class MemoryRoutes {

    private final Duration requestTimeout;

    MemoryRoutes(Duration requestTimeout) {
        this.requestTimeout = requestTimeout;
    }

    /** {@code GET /memories}: an empty page. */
    void list(Context ctx) {
        Forms.queryId(ctx, "user_id");
        Forms.queryId(ctx, "agent_id");
        Forms.queryId(ctx, "team_id");
        Forms.queryText(ctx, "search_content");
        Forms.queryText(ctx, "sort_by");
        Queries.ascending(ctx, "sort_order");
        emptyPage(ctx);
    }

    /** {@code GET /user_memory_stats}: an empty page. */
    void userStats(Context ctx) {
        Forms.queryId(ctx, "user_id");
        emptyPage(ctx);
    }

    private static void emptyPage(Context ctx) {
        int limit = Queries.integer(ctx, "limit", 20, 1, Integer.MAX_VALUE);
        int page = Queries.integer(ctx, "page", 1, 0, Integer.MAX_VALUE);
        ObjectNode body = Views.obj();
        body.putArray("data");
        body.set("meta", SessionRoutes.meta(page, limit, 0, 0, 0.0));
        Views.json(ctx, 200, body);
    }

    /** {@code GET /memories/{memory_id}}: 404, as for any id AgentOS does not have. */
    void get(Context ctx) {
        String id = Forms.pathId(ctx, "memory_id");
        throw new ApiException(404, "Memory with ID " + id + " not found");
    }

    /** {@code GET /memory_topics}: no topics. */
    void topics(Context ctx) {
        Forms.queryId(ctx, "user_id");
        Views.json(ctx, 200, CadreJson.mapper().createArrayNode());
    }

    /** {@code DELETE /memories/{memory_id}}: 204, as AgentOS answers for a memory it does not have. */
    void delete(Context ctx) {
        Forms.pathId(ctx, "memory_id");
        ctx.status(204);
    }

    /** {@code DELETE /memories} with {@code {"memory_ids": [...]}}: 204. */
    void deleteMany(Context ctx) {
        ObjectNode body = JsonBodies.required(ctx, requestTimeout);
        JsonBodies.texts(body, "memory_ids");
        JsonBodies.id(body, "user_id");
        ctx.status(204);
    }

    /** {@code POST /memories}: a valid memory cannot be kept, since this server keeps no memories. */
    void create(Context ctx) {
        memory(ctx);
        throw new ApiException(501, "This server keeps no user memories, so it cannot create one");
    }

    /** {@code PATCH /memories/{memory_id}}: there is no memory to update. */
    void update(Context ctx) {
        String id = Forms.pathId(ctx, "memory_id");
        memory(ctx);
        throw new ApiException(404, "Memory with ID " + id + " not found");
    }

    /** {@code POST /optimize-memories}: AgentOS's answer for a user without memories. */
    void optimize(Context ctx) {
        ObjectNode body = JsonBodies.required(ctx, requestTimeout);
        Optional<String> user = Access.runUser(ctx, JsonBodies.id(body, "user_id"));
        JsonBodies.text(body, "model");
        if (user.isEmpty()) {
            throw JsonBodies.invalid(List.of("body", "user_id"), "missing", "Field required", NullNode.getInstance());
        }
        throw new ApiException(404, "No memories found for user " + user.get());
    }

    /** AgentOS's {@code UserMemoryCreateSchema} (memory of 1 to 5000 characters), and a user for it. */
    private void memory(Context ctx) {
        ObjectNode body = JsonBodies.required(ctx, requestTimeout);
        String memory = JsonBodies.text(body, "memory").orElseThrow(() -> JsonBodies.invalid(List.of("body",
                "memory"), "missing", "Field required", NullNode.getInstance()));
        if (memory.isEmpty() || memory.length() > 5000) {
            throw JsonBodies.invalid(List.of("body", "memory"), memory.isEmpty() ? "string_too_short"
                    : "string_too_long", "String should have between 1 and 5000 characters", body.get("memory"));
        }
        JsonBodies.optionalTexts(body, "topics");
        if (Access.runUser(ctx, JsonBodies.id(body, "user_id")).isEmpty()) {
            throw new ApiException(400, "User ID is required");
        }
    }
}
