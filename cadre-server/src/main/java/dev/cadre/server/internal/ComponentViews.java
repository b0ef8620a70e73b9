package dev.cadre.server.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cadre.Agent;
import dev.cadre.Component;
import dev.cadre.Team;
import dev.cadre.jdbc.JdbcDb;
import dev.cadre.json.CadreJson;
import dev.cadre.model.Model;
import dev.cadre.model.ToolDefinition;
import dev.cadre.db.Db;
import java.util.List;
import java.util.Locale;

/**
 * Agents and teams as AgentOS shows them: {@code AgentResponse} / {@code TeamResponse} (the listings and
 * details of {@code /agents} and {@code /teams}) and the summaries of {@code /config}. Like AgentOS, only what
 * a component has is written: a section of settings it does not use is left out, not sent empty.
 */
final class ComponentViews {

    private ComponentViews() {
    }

    /**
     * {@code AgentResponse} or {@code TeamResponse}. Members are kept in their team's store, so a member without
     * a store of its own shows its team's.
     */
    static ObjectNode detail(Component<?> c, Db fallback) {
        Db store = c.db().orElse(fallback);
        ObjectNode n = Views.obj();
        n.put("id", c.id());
        n.put("name", c.name());
        n.put("db_id", store.id());
        switch (c) {
            case Agent a -> {
                a.description().ifPresent(d -> n.put("description", d));
                a.role().ifPresent(r -> n.put("role", r));
                n.put("is_factory", false);
                c.model().ifPresent(m -> n.set("model", model(m)));
                tools(n, c.toolDefinitions());
                n.putObject("sessions").put("session_table", sessionTable(store));
                memory(n, c, store);
                systemMessage(n, a.description().orElse(null), a.instructions());
            }
            case Team t -> {
                t.description().ifPresent(d -> n.put("description", d));
                n.put("mode", t.mode().name().toLowerCase(Locale.ROOT));
                c.model().ifPresent(m -> n.set("model", model(m)));
                tools(n, c.toolDefinitions());
                n.putObject("sessions").put("session_table", sessionTable(store));
                memory(n, c, store);
                systemMessage(n, t.description().orElse(null), t.instructions());
                // A team's stream always carries its members' events (Agno's stream_member_events).
                n.putObject("streaming").put("stream_member_events", true);
                ArrayNode members = n.putArray("members");
                for (Component<?> m : t.members()) {
                    members.add(detail(m, store));
                }
                n.put("is_factory", false);
            }
        }
        n.put("is_component", false);
        return n;
    }

    /**
     * AgentOS's {@code memory} of a component whose runs write user memories: the settings that differ from the
     * defaults, the table and the memory step's model. Left out otherwise, as AgentOS leaves it {@code null}.
     */
    private static void memory(ObjectNode n, Component<?> c, Db store) {
        c.userMemoryModel().ifPresent(m -> {
            ObjectNode memory = n.putObject("memory");
            memory.put("update_memory_on_run", true);
            memory.put("enable_user_memories", true);
            memory.put("memory_table", store instanceof JdbcDb db ? db.memoriesTable() : store.id());
            memory.set("model", model(m));
        });
    }

    /** {@code AgentSummaryResponse} / {@code TeamSummaryResponse}, as {@code /config} lists components. */
    static ObjectNode summary(Component<?> c, Db fallback) {
        ObjectNode n = Views.obj();
        n.put("id", c.id());
        n.put("name", c.name());
        switch (c) {
            case Agent a -> a.description().ifPresent(d -> n.put("description", d));
            case Team t -> t.description().ifPresent(d -> n.put("description", d));
        }
        n.put("db_id", c.db().orElse(fallback).id());
        if (c instanceof Team t) {
            n.put("mode", t.mode().name().toLowerCase(Locale.ROOT));
        }
        c.model().ifPresent(m -> n.set("model", idAndProvider(m)));
        return n;
    }

    /** {@code ModelResponse}: the model's class-like name, its id and its provider. */
    static ObjectNode model(Model m) {
        ObjectNode n = Views.obj();
        n.put("name", m.name());
        n.put("model", m.id());
        n.put("provider", m.provider());
        return n;
    }

    /** AgentOS's {@code Model}, as {@code /models} and {@code /config} list them. */
    static ObjectNode idAndProvider(Model m) {
        ObjectNode n = Views.obj();
        n.put("id", m.id());
        n.put("provider", m.provider());
        return n;
    }

    /** What AgentOS calls the session table: the SQL table for Cadre's JDBC stores, else the store's id. */
    static String sessionTable(Db store) {
        return store instanceof JdbcDb db ? db.sessionsTable() : store.id();
    }

    private static void tools(ObjectNode n, List<ToolDefinition> defs) {
        if (defs.isEmpty()) {
            return;
        }
        ArrayNode tools = n.putObject("tools").putArray("tools");
        for (ToolDefinition d : defs) {
            ObjectNode t = tools.addObject();
            t.put("name", d.name());
            t.put("description", d.description());
            t.set("parameters", d.parameters());
        }
    }

    private static void systemMessage(ObjectNode n, String description, List<String> instructions) {
        if (description == null && instructions.isEmpty()) {
            return;
        }
        ObjectNode sm = n.putObject("system_message");
        if (description != null) {
            sm.put("description", description);
        }
        if (!instructions.isEmpty()) {
            ArrayNode a = sm.putArray("instructions");
            instructions.forEach(a::add);
        }
    }

    /** The components in {@code order} that the caller may see. */
    static ArrayNode list(io.javalin.http.Context ctx, List<? extends Component<?>> components, Db fallback,
            boolean summaries) {
        ArrayNode a = CadreJson.mapper().createArrayNode();
        components.stream().filter(c -> Access.lists(ctx, c))
                .forEach(c -> a.add(summaries ? summary(c, fallback) : detail(c, fallback)));
        return a;
    }
}
