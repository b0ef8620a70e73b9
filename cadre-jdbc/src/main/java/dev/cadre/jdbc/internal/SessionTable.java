package dev.cadre.jdbc.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cadre.json.CadreJson;
import dev.cadre.db.Page;
import dev.cadre.db.SessionOrder;
import dev.cadre.db.SessionQuery;
import dev.cadre.db.SessionRecord;
import dev.cadre.db.SessionType;
import dev.cadre.db.SessionUpdate;
import dev.cadre.db.SessionUsage;
import dev.cadre.db.StoredText;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The sessions table of a {@link JdbcStore}: one row per session, with what a listing needs (the name, or the
 * first run's input; times; component; user) on the row itself and the token usage in the usage table, so a page
 * is an index walk plus one read of the usage of its sessions, and never reads runs. Thread-safe.
 */
final class SessionTable {

    private static final String SESSION_COLUMNS = "session_id, session_type, component_id, user_id, name, created_at,"
            + " updated_at, first_input, session_state, metadata, summary";
    /** The columns a session is saved with by a run (its first input comes with its first run). */
    static final String SAVED_COLUMNS =
            "session_id, session_type, component_id, user_id, name, name_folded, created_at, updated_at";
    /** Bulk deletes go in slices of this many ids, within one transaction. */
    private static final int DELETE_SLICE = 500;

    private final Dialect dialect;
    private final Tables t;
    private final JdbcCalls calls;
    private final UsageTable usage;
    private final Clock clock;

    SessionTable(Dialect dialect, Tables tables, JdbcCalls calls, UsageTable usage, Clock clock) {
        this.dialect = dialect;
        this.t = tables;
        this.calls = calls;
        this.usage = usage;
        this.clock = clock;
    }

    void save(SessionRecord s) {
        calls.write("Saving session " + s.sessionId(), saving(s));
    }

    /** {@link #save}'s statement, for a transaction that does more ({@code JdbcStore.startRun}). */
    JdbcCalls.SqlWork<Void> saving(SessionRecord s) {
        StoredText.checkId("session id", s.sessionId());
        s.userId().ifPresent(u -> StoredText.checkId("user id", u));
        String sql = "INSERT INTO " + t.sessions() + " (" + SAVED_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (session_id) DO UPDATE SET"
                + " updated_at = CASE WHEN excluded.updated_at > " + t.sessions() + ".updated_at"
                + " THEN excluded.updated_at ELSE " + t.sessions() + ".updated_at END,"
                + " user_id = COALESCE(" + t.sessions() + ".user_id, excluded.user_id)";
        return c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                bindSaved(ps, s, s.name().map(StoredText::clean));
                ps.executeUpdate();
            }
            return null;
        };
    }

    boolean create(SessionRecord s) {
        StoredText.checkId("session id", s.sessionId());
        s.userId().ifPresent(u -> StoredText.checkId("user id", u));
        s.name().ifPresent(n -> StoredText.checkText("session name", n));
        String j = dialect.jsonParameter();
        String sql = "INSERT INTO " + t.sessions() + " (" + SAVED_COLUMNS + ", session_state, metadata, summary)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, " + j + ", " + j + ", " + j + ") ON CONFLICT (session_id) DO NOTHING";
        String state = json("session_state", s.sessionState());
        Optional<String> metadata = s.metadata().map(m -> json("metadata", m));
        Optional<String> summary = s.summary().map(m -> json("summary", m));
        return calls.write("Creating session " + s.sessionId(), c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = bindSaved(ps, s, s.name());
                ps.setString(i++, state);
                JdbcStore.setOptional(ps, i++, metadata);
                JdbcStore.setOptional(ps, i, summary);
                return ps.executeUpdate() > 0;
            }
        });
    }

    static int bindSaved(PreparedStatement ps, SessionRecord s, Optional<String> name) throws SQLException {
        ps.setString(1, s.sessionId());
        ps.setString(2, s.type().wireName());
        ps.setString(3, s.componentId());
        JdbcStore.setOptional(ps, 4, s.userId());
        JdbcStore.setOptional(ps, 5, name);
        JdbcStore.setOptional(ps, 6, name.map(SessionQuery::fold));
        ps.setLong(7, s.createdAt().toEpochMilli());
        ps.setLong(8, s.updatedAt().toEpochMilli());
        return 9;
    }

    Optional<SessionRecord> get(String sessionId) {
        return calls.readSnapshot("Reading session " + sessionId, c -> get(c, sessionId));
    }

    private Optional<SessionRecord> get(Connection c, String sessionId) throws SQLException {
        String sql = "SELECT " + SESSION_COLUMNS + " FROM " + t.sessions() + " WHERE session_id = ?";
        SessionRecord found;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, sessionId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                found = session(rs);
            }
        }
        return Optional.of(found.withUsage(usage.read(c, List.of(sessionId)).getOrDefault(sessionId,
                SessionUsage.EMPTY)));
    }

    Page<SessionRecord> list(SessionQuery q) {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        List<String> args = new ArrayList<>();
        q.type().ifPresent(v -> { where.append(" AND session_type = ?"); args.add(v.wireName()); });
        q.componentId().ifPresent(v -> { where.append(" AND component_id = ?"); args.add(v); });
        q.userId().ifPresent(v -> { where.append(" AND user_id = ?"); args.add(v); });
        q.nameContains().ifPresent(v -> {
            where.append(" AND name_folded LIKE ? ESCAPE '!'");
            args.add("%" + likeEscaped(SessionQuery.fold(v)) + "%");
        });
        // The page walks a time index (both directions, with the id as tie-breaker) and stops at its limit; the
        // total is counted on the index alone. (A window count would make every page read every matching row.)
        // Page, count and usage run in one read transaction, so they describe the same moment.
        String pageSql = "SELECT " + SESSION_COLUMNS + " FROM " + t.sessions() + where + " ORDER BY "
                + orderBy(q.order()) + " LIMIT ? OFFSET ?";
        String countSql = "SELECT COUNT(*) FROM " + t.sessions() + where;
        return calls.readSnapshot("Listing sessions", c -> {
            List<SessionRecord> items = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(pageSql)) {
                int i = bind(ps, args);
                ps.setInt(i++, q.limit());
                ps.setInt(i, q.offset());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        items.add(session(rs));
                    }
                }
            }
            long total;
            try (PreparedStatement ps = c.prepareStatement(countSql)) {
                bind(ps, args);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    total = rs.getLong(1);
                }
            }
            Map<String, SessionUsage> used = usage.read(c, items.stream().map(SessionRecord::sessionId).toList());
            List<SessionRecord> withUsage = items.stream()
                    .map(s -> s.withUsage(used.getOrDefault(s.sessionId(), SessionUsage.EMPTY))).toList();
            return new Page<>(withUsage, q.page(), q.limit(), total);
        });
    }

    /** Newest first lists ties by ascending id; oldest first is its exact reverse, so one index serves both. */
    static String orderBy(SessionOrder order) {
        String column = order.key() == SessionOrder.Key.UPDATED_AT ? "updated_at" : "created_at";
        return order.ascending() ? column + " ASC, session_id DESC" : column + " DESC, session_id ASC";
    }

    private static String likeEscaped(String text) {
        return text.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }

    boolean rename(String sessionId, String name) {
        StoredText.checkText("session name", name);
        String sql = "UPDATE " + t.sessions() + " SET name = ?, name_folded = ? WHERE session_id = ?";
        return calls.write("Renaming session " + sessionId, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, name);
                ps.setString(2, SessionQuery.fold(name));
                ps.setString(3, sessionId);
                return ps.executeUpdate() > 0;
            }
        });
    }

    Optional<SessionRecord> update(String sessionId, SessionUpdate u) {
        u.name().ifPresent(n -> StoredText.checkText("session name", n));
        Optional<String> state = u.sessionState().map(m -> json("session_state", m));
        Optional<String> metadata = u.metadata().map(m -> json("metadata", m));
        Optional<String> summary = u.summary().map(m -> json("summary", m));
        String j = dialect.jsonParameter();
        String s = t.sessions();
        String sql = "UPDATE " + s + " SET name = COALESCE(?, name), name_folded = COALESCE(?, name_folded),"
                + " session_state = COALESCE(" + j + ", session_state), metadata = COALESCE(" + j + ", metadata),"
                + " summary = COALESCE(" + j + ", summary),"
                + " updated_at = CASE WHEN ? > updated_at THEN ? ELSE updated_at END WHERE session_id = ?";
        return calls.write("Updating session " + sessionId, c -> {
            long now = clock.millis();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                JdbcStore.setOptional(ps, 1, u.name());
                JdbcStore.setOptional(ps, 2, u.name().map(SessionQuery::fold));
                JdbcStore.setOptional(ps, 3, state);
                JdbcStore.setOptional(ps, 4, metadata);
                JdbcStore.setOptional(ps, 5, summary);
                ps.setLong(6, now);
                ps.setLong(7, now);
                ps.setString(8, sessionId);
                if (ps.executeUpdate() == 0) {
                    return Optional.<SessionRecord>empty();
                }
            }
            return get(c, sessionId);
        });
    }

    boolean delete(String sessionId) {
        // The runs and the usage go with it: ON DELETE CASCADE.
        String sql = "DELETE FROM " + t.sessions() + " WHERE session_id = ?";
        return calls.write("Deleting session " + sessionId, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, sessionId);
                return ps.executeUpdate() > 0;
            }
        });
    }

    int deleteMany(Collection<String> sessionIds, Optional<String> ownedBy) {
        List<String> ids = List.copyOf(new LinkedHashSet<>(sessionIds));
        if (ids.isEmpty()) {
            return 0;
        }
        return calls.write("Deleting " + ids.size() + " sessions", c -> {
            int deleted = 0;
            for (int from = 0; from < ids.size(); from += DELETE_SLICE) {
                List<String> slice = ids.subList(from, Math.min(ids.size(), from + DELETE_SLICE));
                String sql = "DELETE FROM " + t.sessions() + " WHERE session_id IN ("
                        + String.join(", ", Collections.nCopies(slice.size(), "?")) + ")"
                        + (ownedBy.isPresent() ? " AND user_id = ?" : "");
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    int i = bind(ps, slice);
                    if (ownedBy.isPresent()) {
                        ps.setString(i, ownedBy.get());
                    }
                    deleted += ps.executeUpdate();
                }
            }
            return deleted;
        });
    }

    private static SessionRecord session(ResultSet rs) throws SQLException {
        return new SessionRecord(rs.getString("session_id"), SessionType.fromWire(rs.getString("session_type")),
                rs.getString("component_id"), Optional.ofNullable(rs.getString("user_id")),
                Optional.ofNullable(rs.getString("name")), Instant.ofEpochMilli(rs.getLong("created_at")),
                Instant.ofEpochMilli(rs.getLong("updated_at")), Optional.ofNullable(rs.getString("first_input")),
                object(rs.getString("session_state")).orElse(null), object(rs.getString("metadata")),
                object(rs.getString("summary")), SessionUsage.EMPTY);
    }

    private static Optional<ObjectNode> object(String json) {
        if (json == null) {
            return Optional.empty();
        }
        try {
            JsonNode node = CadreJson.mapper().readTree(json);
            return node instanceof ObjectNode o ? Optional.of(o) : Optional.empty();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A stored session value cannot be read back: " + e.getMessage(), e);
        }
    }

    private static String json(String what, ObjectNode value) {
        return StoredText.checkJson(what, value).toString();
    }

    private static int bind(PreparedStatement ps, List<String> args) throws SQLException {
        int i = 1;
        for (String a : args) {
            ps.setString(i++, a);
        }
        return i;
    }
}
