package dev.cadre.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.cadre.Component;
import dev.cadre.db.SessionRecord;
import dev.cadre.db.SessionType;
import dev.cadre.db.SessionUpdate;
import dev.cadre.db.Db;
import dev.cadre.db.StoredText;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The session routes that write: create, update, rename, delete one and delete many, with AgentOS's JSON bodies
 * ({@code CreateSessionRequest}, {@code UpdateSessionRequest}, {@code DeleteSessionRequest}). Under user isolation
 * a caller creates sessions for themselves and changes only their own; another user's session is treated as one
 * that does not exist.
 */
final class SessionEdits {

    private static final Set<String> SUMMARY_FIELDS = Set.of("summary", "topics", "updated_at");

    private final Db store;
    private final SessionRoutes reads;
    private final SessionViews views;
    private final Map<String, ? extends Component<?>> agents;
    private final Map<String, ? extends Component<?>> teams;
    private final Duration requestTimeout;

    SessionEdits(ServerSettings settings, SessionRoutes reads, SessionViews views) {
        this.store = settings.db();
        this.reads = reads;
        this.views = views;
        this.agents = settings.agents();
        this.teams = settings.teams();
        this.requestTimeout = settings.requestTimeout();
    }

    /** {@code POST /sessions?type=agent|team}: 201 with the new session, 409 when its id is taken. */
    void create(Context ctx) {
        SessionType type = Queries.sessionType(ctx).orElse(SessionType.AGENT);
        ObjectNode body = JsonBodies.read(ctx, requestTimeout).orElseGet(Views::obj);
        Optional<String> sessionId = JsonBodies.id(body, "session_id");
        Optional<String> name = JsonBodies.text(body, "session_name");
        Optional<ObjectNode> state = JsonBodies.object(body, "session_state");
        Optional<ObjectNode> metadata = JsonBodies.object(body, "metadata");
        Optional<String> userId = Access.runUser(ctx, JsonBodies.id(body, "user_id"));
        String componentField = type == SessionType.TEAM ? "team_id" : "agent_id";
        String componentId = JsonBodies.id(body, componentField).orElseThrow(() -> JsonBodies.invalid(
                List.of("body", componentField), "missing", "Field required: a " + type.wireName()
                        + " session belongs to a " + type.wireName(), NullNode.getInstance()));
        if (!(type == SessionType.TEAM ? teams : agents).containsKey(componentId)) {
            throw new ApiException(404, (type == SessionType.TEAM ? "Team" : "Agent") + " with id '" + componentId
                    + "' not found");
        }
        String id = sessionId.orElseGet(() -> UUID.randomUUID().toString());
        Instant now = Instant.now();
        SessionRecord s = new SessionRecord(id, type, componentId, userId, name, now, now)
                .withMetadata(metadata);
        if (state.isPresent()) {
            s = s.withSessionState(state.get());
        }
        if (!store.createSession(s)) {
            throw new ApiException(409, "Session with id '" + id + "' already exists. Use PATCH /sessions/" + id
                    + " to update it.");
        }
        SessionRecord created = store.getSession(id).orElseThrow();
        Views.json(ctx, 201, views.detail(created, List.of(), SessionViews.Absent.OMITTED));
    }

    /** {@code PATCH /sessions/{id}}: replaces what the body carries; 200 with the session. */
    void update(Context ctx) {
        String sessionId = Forms.pathId(ctx, "session_id");
        Queries.sessionType(ctx);
        ObjectNode body = JsonBodies.required(ctx, requestTimeout);
        SessionUpdate update = new SessionUpdate(JsonBodies.text(body, "session_name"),
                JsonBodies.object(body, "session_state"), JsonBodies.object(body, "metadata"),
                JsonBodies.object(body, "summary").map(SessionEdits::summary));
        reads.visible(ctx, sessionId, Optional.empty());
        SessionRecord s = store.updateSession(sessionId, update).orElseThrow(() -> notFound(sessionId));
        Views.json(ctx, 200, views.detail(s, store.listRuns(sessionId), SessionViews.Absent.NULL));
    }

    /**
     * AgentOS's {@code SessionSummary}: {@code summary} (text, required), {@code topics} (texts) and
     * {@code updated_at} (an ISO date-time); nulls are dropped, as AgentOS writes it back.
     */
    private static ObjectNode summary(ObjectNode given) {
        for (var it = given.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!SUMMARY_FIELDS.contains(field)) {
                throw JsonBodies.invalid(List.of("body", "summary", field), "extra_forbidden",
                        "A summary has only summary, topics and updated_at", given.get(field));
            }
        }
        ObjectNode out = Views.obj();
        JsonNode text = given.get("summary");
        if (text == null || !text.isTextual()) {
            throw JsonBodies.invalid(List.of("body", "summary", "summary"), text == null ? "missing" : "string_type",
                    text == null ? "Field required" : "Input should be a valid string", text);
        }
        out.set("summary", text);
        JsonNode topics = given.get("topics");
        if (topics != null && !topics.isNull()) {
            if (!(topics instanceof ArrayNode list)) {
                throw JsonBodies.invalid(List.of("body", "summary", "topics"), "list_type",
                        "Input should be a valid list", topics);
            }
            for (int i = 0; i < list.size(); i++) {
                if (!list.get(i).isTextual()) {
                    throw JsonBodies.invalid(List.of("body", "summary", "topics", i), "string_type",
                            "Input should be a valid string", list.get(i));
                }
            }
            out.set("topics", topics);
        }
        JsonNode updatedAt = given.get("updated_at");
        if (updatedAt != null && !updatedAt.isNull()) {
            if (!updatedAt.isTextual() || !isoDateTime(updatedAt.textValue())) {
                throw JsonBodies.invalid(List.of("body", "summary", "updated_at"), "datetime_parsing",
                        "Input should be an ISO 8601 date and time", updatedAt);
            }
            out.set("updated_at", updatedAt);
        }
        return out;
    }

    private static boolean isoDateTime(String text) {
        try {
            OffsetDateTime.parse(text);
            return true;
        } catch (DateTimeParseException e) {
            try {
                LocalDateTime.parse(text);
                return true;
            } catch (DateTimeParseException again) {
                return false;
            }
        }
    }

    /** {@code POST /sessions/{id}/rename} with {@code {"session_name": ...}}: 200 with the session. */
    void rename(Context ctx) {
        String sessionId = Forms.pathId(ctx, "session_id");
        ObjectNode body = JsonBodies.required(ctx, requestTimeout);
        String newName = JsonBodies.text(body, "session_name").orElseThrow(() -> JsonBodies.invalid(
                List.of("body", "session_name"), "missing", "Field required", NullNode.getInstance()));
        if (newName.isBlank()) {
            throw new ApiException(400, "session_name must not be blank");
        }
        reads.visible(ctx, sessionId, Optional.empty());
        if (!store.renameSession(sessionId, newName)) {
            throw notFound(sessionId);
        }
        SessionRecord s = reads.visible(ctx, sessionId, Optional.empty());
        Views.json(ctx, 200, views.detail(s, store.listRuns(sessionId), SessionViews.Absent.NULL));
    }

    /** 204 whether or not there was such a session, as AgentOS answers; another user's is left alone. */
    void delete(Context ctx) {
        String sessionId = Forms.pathId(ctx, "session_id");
        store.getSession(sessionId).filter(s -> Access.sees(ctx, s)).ifPresent(s -> store.deleteSession(sessionId));
        ctx.status(204);
    }

    /**
     * {@code DELETE /sessions} with {@code {"session_ids": [...], "session_types": [...]}}: 204, ids of no session
     * skipped. The two lists must be as long as each other (400 otherwise, as AgentOS); the types are checked but,
     * as in AgentOS's own stores, not needed to find a session. Only the caller's sessions under isolation, only
     * {@code user_id}'s when that is given.
     */
    void deleteMany(Context ctx) {
        ObjectNode body = JsonBodies.required(ctx, requestTimeout);
        List<String> ids = JsonBodies.texts(body, "session_ids");
        List<String> types = JsonBodies.texts(body, "session_types");
        for (int i = 0; i < ids.size(); i++) {
            int index = i;
            StoredText.idProblem("session_ids", ids.get(i)).ifPresent(p -> {
                throw JsonBodies.invalid(List.of("body", "session_ids", index), "string_invalid", p,
                        TextNode.valueOf(ids.get(index).replace('\u0000', '?')));
            });
        }
        for (int i = 0; i < types.size(); i++) {
            if (!List.of("agent", "team", "workflow").contains(types.get(i))) {
                throw JsonBodies.invalid(List.of("body", "session_types", i), "enum",
                        "Input should be 'agent', 'team' or 'workflow'", TextNode.valueOf(types.get(i)));
            }
        }
        if (ids.size() != types.size()) {
            throw new ApiException(400, "Session IDs and session types must have the same length");
        }
        Optional<String> owner = Access.caller(ctx).scopedUserId().or(() -> Forms.queryId(ctx, "user_id"));
        store.deleteSessions(ids, owner);
        ctx.status(204);
    }

    private static ApiException notFound(String sessionId) {
        return new ApiException(404, "Session with id '" + sessionId + "' not found");
    }
}
