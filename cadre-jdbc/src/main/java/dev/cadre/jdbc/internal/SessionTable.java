package dev.cadre.jdbc.internal;

import dev.cadre.store.Page;
import dev.cadre.store.SessionQuery;
import dev.cadre.store.SessionRecord;
import dev.cadre.store.SessionType;
import dev.cadre.store.StoredText;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The sessions table of a {@link JdbcStore}: one row per session, with what a listing needs (the name, or the
 * first run's input; times; component; user) on the row itself, so a page is an index walk and never reads
 * runs. Thread-safe.
 */
final class SessionTable {

    private static final String SESSION_COLUMNS =
            "session_id, session_type, component_id, user_id, name, created_at, updated_at, first_input";
    /** The columns a new session is written with (its first input comes with its first run). */
    private static final String NEW_SESSION_COLUMNS =
            "session_id, session_type, component_id, user_id, name, created_at, updated_at";

    private final Tables t;
    private final JdbcCalls calls;

    SessionTable(Tables tables, JdbcCalls calls) {
        this.t = tables;
        this.calls = calls;
    }

    void save(SessionRecord s) {
        StoredText.checkId("session id", s.sessionId());
        s.userId().ifPresent(u -> StoredText.checkId("user id", u));
        String sql = "INSERT INTO " + t.sessions() + " (" + NEW_SESSION_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (session_id) DO UPDATE SET"
                + " updated_at = CASE WHEN excluded.updated_at > " + t.sessions() + ".updated_at"
                + " THEN excluded.updated_at ELSE " + t.sessions() + ".updated_at END,"
                + " user_id = COALESCE(" + t.sessions() + ".user_id, excluded.user_id)";
        calls.write("Saving session " + s.sessionId(), c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, s.sessionId());
                ps.setString(2, s.type().wireName());
                ps.setString(3, s.componentId());
                JdbcStore.setOptional(ps, 4, s.userId());
                JdbcStore.setOptional(ps, 5, s.name().map(StoredText::clean));
                ps.setLong(6, s.createdAt().toEpochMilli());
                ps.setLong(7, s.updatedAt().toEpochMilli());
                ps.executeUpdate();
            }
            return null;
        });
    }

    Optional<SessionRecord> get(String sessionId) {
        String sql = "SELECT " + SESSION_COLUMNS + " FROM " + t.sessions() + " WHERE session_id = ?";
        return calls.read("Reading session " + sessionId, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, sessionId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(session(rs)) : Optional.empty();
                }
            }
        });
    }

    Page<SessionRecord> list(SessionQuery q) {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        List<String> args = new ArrayList<>();
        q.type().ifPresent(v -> { where.append(" AND session_type = ?"); args.add(v.wireName()); });
        q.componentId().ifPresent(v -> { where.append(" AND component_id = ?"); args.add(v); });
        q.userId().ifPresent(v -> { where.append(" AND user_id = ?"); args.add(v); });
        // The page walks the created_at index and stops at its limit; the total is counted on the index
        // alone. (A window count would make every page read every matching row.) Both run in one read
        // transaction, so they describe the same moment.
        String pageSql = "SELECT " + SESSION_COLUMNS + " FROM " + t.sessions() + where
                + " ORDER BY created_at DESC, session_id LIMIT ? OFFSET ?";
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
            return new Page<>(items, q.page(), q.limit(), total);
        });
    }

    boolean rename(String sessionId, String name) {
        StoredText.checkText("session name", name);
        String sql = "UPDATE " + t.sessions() + " SET name = ? WHERE session_id = ?";
        return calls.write("Renaming session " + sessionId, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, name);
                ps.setString(2, sessionId);
                return ps.executeUpdate() > 0;
            }
        });
    }

    boolean delete(String sessionId) {
        // The runs go with it: ON DELETE CASCADE.
        String sql = "DELETE FROM " + t.sessions() + " WHERE session_id = ?";
        return calls.write("Deleting session " + sessionId, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, sessionId);
                return ps.executeUpdate() > 0;
            }
        });
    }

    private static SessionRecord session(ResultSet rs) throws SQLException {
        return new SessionRecord(rs.getString("session_id"), SessionType.fromWire(rs.getString("session_type")),
                rs.getString("component_id"), Optional.ofNullable(rs.getString("user_id")),
                Optional.ofNullable(rs.getString("name")), Instant.ofEpochMilli(rs.getLong("created_at")),
                Instant.ofEpochMilli(rs.getLong("updated_at")), Optional.ofNullable(rs.getString("first_input")));
    }

    private static int bind(PreparedStatement ps, List<String> args) throws SQLException {
        int i = 1;
        for (String a : args) {
            ps.setString(i++, a);
        }
        return i;
    }
}
