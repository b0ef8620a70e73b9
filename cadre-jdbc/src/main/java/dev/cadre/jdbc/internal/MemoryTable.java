package dev.cadre.jdbc.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.cadre.db.Page;
import dev.cadre.json.CadreJson;
import dev.cadre.memory.MemoryOrder;
import dev.cadre.memory.MemoryQuery;
import dev.cadre.memory.MemoryStats;
import dev.cadre.memory.MemoryStore;
import dev.cadre.memory.UserMemory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The user memories of a {@link JdbcStore}: one row per memory, its topics a JSON array, its text also folded to
 * lower case for the case-blind search. Every call is one statement, or one short transaction. Thread-safe.
 */
final class MemoryTable implements MemoryStore {

    private static final String COLUMNS =
            "memory_id, user_id, memory, topics, agent_id, team_id, input, created_at, updated_at";
    private static final int DELETE_SLICE = 500;
    private static final TypeReference<List<String>> TOPICS = new TypeReference<>() {
    };

    private final Dialect dialect;
    private final String table;
    private final JdbcCalls calls;
    private final Clock clock;

    MemoryTable(Dialect dialect, Tables tables, JdbcCalls calls, Clock clock) {
        this.dialect = dialect;
        this.table = tables.memories();
        this.calls = calls;
        this.clock = clock;
    }

    @Override
    public Page<UserMemory> list(MemoryQuery q) {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        List<String> args = new ArrayList<>();
        q.userId().ifPresent(v -> { where.append(" AND user_id = ?"); args.add(v); });
        q.agentId().ifPresent(v -> { where.append(" AND agent_id = ?"); args.add(v); });
        q.teamId().ifPresent(v -> { where.append(" AND team_id = ?"); args.add(v); });
        for (String topic : q.topics()) {
            where.append(dialect == Dialect.POSTGRES ? " AND topics @> jsonb_build_array(CAST(? AS text))"
                    : " AND EXISTS (SELECT 1 FROM json_each(topics) WHERE json_each.value = ?)");
            args.add(topic);
        }
        q.contentContains().ifPresent(v -> {
            where.append(" AND memory_folded LIKE ? ESCAPE '!'");
            args.add("%" + MemoryQuery.fold(v).replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%");
        });
        String pageSql = "SELECT " + COLUMNS + " FROM " + table + where + " ORDER BY " + orderBy(q.order())
                + " LIMIT ? OFFSET ?";
        String countSql = "SELECT COUNT(*) FROM " + table + where;
        return calls.readSnapshot("Listing user memories", c -> {
            List<UserMemory> items = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(pageSql)) {
                int i = bind(ps, args);
                ps.setInt(i++, q.limit());
                ps.setInt(i, q.offset());
                read(ps, items);
            }
            return new Page<>(items, q.page(), q.limit(), count(c, countSql, args));
        });
    }

    /**
     * The order of the in-memory store: absent ids as empty text, ties by id reversed, texts compared by code point
     * (PostgreSQL's "C" collation; SQLite compares that way anyway) — the same listing in every store.
     */
    private String orderBy(MemoryOrder o) {
        String collate = dialect == Dialect.POSTGRES ? " COLLATE \"C\"" : "";
        String key = switch (o.key()) {
            case UPDATED_AT -> "updated_at";
            case CREATED_AT -> "created_at";
            case MEMORY -> "memory" + collate;
            case MEMORY_ID -> "memory_id" + collate;
            case USER_ID -> "user_id" + collate;
            case AGENT_ID -> "COALESCE(agent_id, '')" + collate;
            case TEAM_ID -> "COALESCE(team_id, '')" + collate;
        };
        String id = "memory_id" + collate;
        return o.ascending() ? key + " ASC, " + id + " DESC" : key + " DESC, " + id + " ASC";
    }

    @Override
    public List<UserMemory> ofUser(String userId) {
        String sql = "SELECT " + COLUMNS + " FROM " + table + " WHERE user_id = ? ORDER BY created_at, memory_id"
                + (dialect == Dialect.POSTGRES ? " COLLATE \"C\"" : "");
        return calls.read("Reading the memories of user " + userId, c -> {
            List<UserMemory> items = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, userId);
                read(ps, items);
            }
            return items;
        });
    }

    @Override
    public Optional<UserMemory> get(String memoryId, Optional<String> owner) {
        String sql = "SELECT " + COLUMNS + " FROM " + table + " WHERE memory_id = ?"
                + (owner.isPresent() ? " AND user_id = ?" : "");
        return calls.read("Reading memory " + memoryId, c -> {
            List<UserMemory> items = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, memoryId);
                if (owner.isPresent()) {
                    ps.setString(2, owner.get());
                }
                read(ps, items);
            }
            return items.stream().findFirst();
        });
    }

    @Override
    public Optional<UserMemory> upsert(UserMemory m) {
        m.checkStorable();
        String j = dialect.jsonParameter();
        // One statement: a memory of another user is left alone (the WHERE of the update), and nothing comes back.
        String sql = "INSERT INTO " + table + " (memory_id, user_id, memory, memory_folded, topics, agent_id, team_id,"
                + " input, created_at, updated_at) VALUES (?, ?, ?, ?, " + j + ", ?, ?, ?, ?, ?)"
                + " ON CONFLICT (memory_id) DO UPDATE SET memory = excluded.memory,"
                + " memory_folded = excluded.memory_folded, topics = excluded.topics, agent_id = excluded.agent_id,"
                + " team_id = excluded.team_id, input = excluded.input, updated_at = excluded.updated_at"
                + " WHERE " + table + ".user_id = excluded.user_id RETURNING " + COLUMNS;
        String topics = json(m.topics());
        return calls.write("Writing memory " + m.memoryId(), c -> {
            long now = clock.millis();
            List<UserMemory> items = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, m.memoryId());
                ps.setString(2, m.userId());
                ps.setString(3, m.memory());
                ps.setString(4, MemoryQuery.fold(m.memory()));
                ps.setString(5, topics);
                JdbcStore.setOptional(ps, 6, m.agentId());
                JdbcStore.setOptional(ps, 7, m.teamId());
                JdbcStore.setOptional(ps, 8, m.input());
                ps.setLong(9, now);
                ps.setLong(10, now);
                read(ps, items);
            }
            return items.stream().findFirst();
        });
    }

    @Override
    public boolean delete(String memoryId, Optional<String> owner) {
        return delete(List.of(memoryId), owner) > 0;
    }

    @Override
    public int delete(Collection<String> memoryIds, Optional<String> owner) {
        List<String> ids = List.copyOf(new LinkedHashSet<>(memoryIds));
        if (ids.isEmpty()) {
            return 0;
        }
        return calls.write("Deleting " + ids.size() + " memories", c -> {
            int deleted = 0;
            for (int from = 0; from < ids.size(); from += DELETE_SLICE) {
                List<String> slice = new ArrayList<>(ids.subList(from, Math.min(from + DELETE_SLICE, ids.size())));
                String sql = "DELETE FROM " + table + " WHERE memory_id IN (" + "?, ".repeat(slice.size() - 1) + "?)"
                        + (owner.isPresent() ? " AND user_id = ?" : "");
                owner.ifPresent(slice::add);
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    bind(ps, slice);
                    deleted += ps.executeUpdate();
                }
            }
            return deleted;
        });
    }

    @Override
    public List<String> topics(Optional<String> owner) {
        String sql = dialect == Dialect.POSTGRES
                ? "SELECT DISTINCT jsonb_array_elements_text(topics) FROM " + table
                        + (owner.isPresent() ? " WHERE user_id = ?" : "")
                : "SELECT DISTINCT json_each.value FROM " + table + ", json_each(" + table + ".topics)"
                        + (owner.isPresent() ? " WHERE user_id = ?" : "");
        return calls.read("Reading memory topics", c -> {
            TreeSet<String> all = new TreeSet<>(); // sorted here, the same way whatever the database's collation
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                if (owner.isPresent()) {
                    ps.setString(1, owner.get());
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        all.add(rs.getString(1));
                    }
                }
            }
            return List.copyOf(all);
        });
    }

    @Override
    public Page<MemoryStats> userStats(Optional<String> owner, int page, int limit) {
        if (page < 1 || limit < 1 || limit > 1000) {
            throw new IllegalArgumentException("page must be 1 or more and limit 1 to 1000, were " + page + " and "
                    + limit);
        }
        String where = owner.isPresent() ? " WHERE user_id = ?" : "";
        String collate = dialect == Dialect.POSTGRES ? " COLLATE \"C\"" : "";
        String pageSql = "SELECT user_id, COUNT(*), MAX(updated_at) FROM " + table + where + " GROUP BY user_id"
                + " ORDER BY MAX(updated_at) DESC, user_id" + collate + " ASC LIMIT ? OFFSET ?";
        String countSql = "SELECT COUNT(DISTINCT user_id) FROM " + table + where;
        List<String> args = owner.map(List::of).orElse(List.of());
        return calls.readSnapshot("Reading user memory stats", c -> {
            List<MemoryStats> items = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(pageSql)) {
                int i = bind(ps, args);
                ps.setInt(i++, limit);
                ps.setInt(i, (page - 1) * limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        items.add(new MemoryStats(rs.getString(1), rs.getLong(2), Instant.ofEpochMilli(rs.getLong(3))));
                    }
                }
            }
            return new Page<>(items, page, limit, count(c, countSql, args));
        });
    }

    private static long count(Connection c, String sql, List<String> args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void read(PreparedStatement ps, List<UserMemory> into) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                into.add(new UserMemory(rs.getString(1), rs.getString(3), topics(rs.getString(4)), rs.getString(2),
                        Optional.ofNullable(rs.getString(5)), Optional.ofNullable(rs.getString(6)),
                        Optional.ofNullable(rs.getString(7)), Instant.ofEpochMilli(rs.getLong(8)),
                        Instant.ofEpochMilli(rs.getLong(9))));
            }
        }
    }

    private static List<String> topics(String json) {
        try {
            return json == null ? List.of() : CadreJson.mapper().readValue(json, TOPICS);
        } catch (JsonProcessingException e) {
            return List.of(); // written by Cadre as a JSON array; anything else has no topics Cadre can read
        }
    }

    private static String json(List<String> topics) {
        return CadreJson.write(topics);
    }

    private static int bind(PreparedStatement ps, List<String> args) throws SQLException {
        int i = 1;
        for (String a : args) {
            ps.setString(i++, a);
        }
        return i;
    }
}
