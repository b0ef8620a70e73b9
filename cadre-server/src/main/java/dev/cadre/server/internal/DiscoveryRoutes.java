package dev.cadre.server.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cadre.Component;
import dev.cadre.jdbc.JdbcDb;
import dev.cadre.json.CadreJson;
import dev.cadre.model.Model;
import dev.cadre.db.Db;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a client asks first: {@code /}, {@code /health}, {@code /info}, {@code /config}, {@code /models} and the
 * agent and team listings, shaped as AgentOS answers them. Stateless apart from the start time; thread-safe.
 */
final class DiscoveryRoutes {

    /** The AgentOS version whose API this server speaks; {@code /info} reports it as {@code agno_version}. */
    static final String AGENTOS_API_VERSION = "2.9.0";

    private final ServerSettings settings;
    private final String authMode;
    private final Instant startedAt = Instant.now();

    DiscoveryRoutes(ServerSettings settings, String authMode) {
        this.settings = settings;
        this.authMode = authMode;
    }

    void home(Context ctx) {
        ObjectNode n = Views.obj();
        n.put("name", "AgentOS API");
        n.put("id", settings.osId());
        n.put("version", "1.0.0");
        Views.json(ctx, 200, n);
    }

    void health(Context ctx) {
        ObjectNode n = Views.obj();
        n.put("status", "ok");
        n.put("instantiated_at", startedAt.toString());
        // Which process of a fleet answered, and how it executes runs.
        n.put("instance_id", dev.cadre.db.ProcessInstance.id());
        n.put("execution", settings.execution().mode());
        Views.json(ctx, 200, n);
    }

    /** {@code InfoResponse}: lightweight and unauthenticated, as in AgentOS. */
    void info(Context ctx) {
        ObjectNode n = Views.obj();
        n.put("os_id", settings.osId());
        n.putNull("name");
        n.put("agno_version", AGENTOS_API_VERSION);
        n.put("cadre_version", cadreVersion());
        n.put("agent_count", settings.agents().size());
        n.put("team_count", settings.teams().size());
        n.put("workflow_count", 0);
        ObjectNode mcp = n.putObject("mcp");
        mcp.put("enabled", false);
        mcp.putNull("path");
        mcp.putNull("oauth");
        n.put("auth_mode", authMode);
        Views.json(ctx, 200, n);
    }

    /** {@code ConfigResponse}: the databases and what each domain keeps in them, and the components. */
    void config(Context ctx) {
        Db os = settings.db();
        ObjectNode n = Views.obj();
        n.put("os_id", settings.osId());
        ArrayNode models = n.putArray("available_models");
        models().forEach(m -> models.add(m.id()));
        n.put("os_database", os.id());
        List<Db> stores = stores();
        ArrayNode databases = n.putArray("databases");
        stores.forEach(s -> databases.add(s.id()));
        // Cadre keeps sessions and runs (from which metrics are computed) and user memories (the server's db, which
        // the memory routes serve); it has no learnings, evaluations, knowledge or traces yet, so those domains list
        // no database rather than an empty table.
        n.set("session", domain(stores, true));
        n.set("metrics", domain(stores, false));
        n.set("memory", os.memories().isPresent() ? memoryDomain(os) : noDatabases());
        n.set("learning", noDatabases());
        ObjectNode knowledge = noDatabases();
        knowledge.putArray("knowledge_instances");
        n.set("knowledge", knowledge);
        n.set("evals", noDatabases());
        n.set("traces", noDatabases());
        n.set("agents", ComponentViews.list(ctx, agents(), os, true));
        n.set("teams", ComponentViews.list(ctx, teams(), os, true));
        n.putArray("workflows");
        n.putArray("interfaces");
        Views.json(ctx, 200, n);
    }

    /** The distinct models of the registered agents and teams, as AgentOS lists them (members not included). */
    void listModels(Context ctx) {
        ArrayNode a = CadreJson.mapper().createArrayNode();
        models().forEach(m -> a.add(ComponentViews.idAndProvider(m)));
        Views.json(ctx, 200, a);
    }

    void listAgents(Context ctx) {
        Views.json(ctx, 200, ComponentViews.list(ctx, agents(), settings.db(), false));
    }

    void listTeams(Context ctx) {
        Views.json(ctx, 200, ComponentViews.list(ctx, teams(), settings.db(), false));
    }

    private List<Model> models() {
        Map<List<String>, Model> unique = new LinkedHashMap<>();
        List<Component<?>> all = new ArrayList<>(agents());
        all.addAll(teams());
        for (Component<?> c : all) {
            c.model().ifPresent(m -> unique.putIfAbsent(List.of(m.id(), m.provider()), m));
        }
        return List.copyOf(unique.values());
    }

    private List<Component<?>> agents() {
        return settings.agentOrder().stream().<Component<?>>map(settings.agents()::get).toList();
    }

    private List<Component<?>> teams() {
        return settings.teamOrder().stream().<Component<?>>map(settings.teams()::get).toList();
    }

    /** The server's store first, then each other store a component keeps its runs in. */
    private List<Db> stores() {
        Set<String> seen = new LinkedHashSet<>();
        List<Db> out = new ArrayList<>();
        List<Component<?>> all = new ArrayList<>(agents());
        all.addAll(teams());
        for (Db s : java.util.stream.Stream.concat(java.util.stream.Stream.of(settings.db()),
                all.stream().flatMap(c -> c.db().stream())).toList()) {
            if (seen.add(s.id())) {
                out.add(s);
            }
        }
        return out;
    }

    private static ObjectNode domain(List<Db> stores, boolean sessions) {
        ObjectNode d = Views.obj();
        ArrayNode dbs = d.putArray("dbs");
        for (Db s : stores) {
            ObjectNode db = dbs.addObject();
            db.put("db_id", s.id());
            db.putObject("domain_config").put("display_name", s.id());
            ArrayNode tables = db.putArray("tables");
            if (s instanceof JdbcDb j) {
                tables.add(sessions ? j.sessionsTable() : j.runsTable());
            }
        }
        return d;
    }

    private static ObjectNode memoryDomain(Db os) {
        ObjectNode d = Views.obj();
        ObjectNode db = d.putArray("dbs").addObject();
        db.put("db_id", os.id());
        db.putObject("domain_config").put("display_name", os.id());
        ArrayNode tables = db.putArray("tables");
        if (os instanceof JdbcDb j) {
            tables.add(j.memoriesTable());
        }
        return d;
    }

    private static ObjectNode noDatabases() {
        ObjectNode d = Views.obj();
        d.putArray("dbs");
        return d;
    }

    private static String cadreVersion() {
        String v = DiscoveryRoutes.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
