package dev.cadre.server.config;

import dev.cadre.Agent;
import dev.cadre.Component;
import dev.cadre.RunManager;
import dev.cadre.Team;
import dev.cadre.TeamMode;
import dev.cadre.jdbc.JdbcStores;
import dev.cadre.model.Model;
import dev.cadre.openai.OpenAIChat;
import dev.cadre.openai.OpenAIResponses;
import dev.cadre.server.CadreServer;
import dev.cadre.server.config.YamlTree.Node;
import dev.cadre.store.Store;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A declarative description of what to serve: models, agents, teams, the database and the server
 * settings, read from YAML.
 *
 * <pre>{@code
 * db: sqlite:cadre.db
 * models:
 *   default: {provider: openai-responses, id: gpt-5.2-mini, api_key: ${OPENAI_API_KEY}}
 * agents:
 *   - {id: researcher, name: Researcher, model: default, role: Research topics.}
 * teams:
 *   - {id: research-team, name: ResearchTeam, model: default, members: [researcher]}
 * server: {port: 7777, host: 127.0.0.1, security_key: ${OS_SECURITY_KEY:-}, cors_origins: [http://localhost:3000]}
 * }</pre>
 *
 * <p>{@link #load} checks the whole file — unknown keys, missing fields, references to models and
 * members that do not exist, unset environment variables — and fails with a {@link ConfigException}
 * naming the line. Nothing is opened or connected until {@link #serverBuilder()}. Immutable.
 */
public final class CadreConfig {

    /** The model providers a config may name. */
    public static final List<String> PROVIDERS = List.of("openai-responses", "openai-chat");

    private static final Pattern VAR = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?}");
    private static final Pattern PLACEHOLDER = Pattern.compile("__cadre_var_(\\d+)__");

    /** A model entry. */
    public record ModelSpec(String name, String provider, String id, Optional<String> baseUrl, Optional<String> apiKey) {
    }

    /** An agent entry. */
    public record AgentSpec(String id, String name, String model, Optional<String> role, Optional<String> description,
            List<String> instructions) {
    }

    /** A team entry; members are ids of agents or of teams defined above it. */
    public record TeamSpec(String id, String name, String model, List<String> members, Optional<String> description,
            List<String> instructions, TeamMode mode) {
    }

    /** The {@code server:} section. */
    public record ServerSpec(Optional<String> host, Optional<Integer> port, Optional<String> securityKey,
            List<String> corsOrigins) {
    }

    private final String file;
    private final String db;
    private final int dbLine;
    private final Map<String, ModelSpec> models;
    private final List<AgentSpec> agents;
    private final List<TeamSpec> teams;
    private final ServerSpec server;

    private CadreConfig(String file, String db, int dbLine, Map<String, ModelSpec> models, List<AgentSpec> agents,
            List<TeamSpec> teams, ServerSpec server) {
        this.file = file;
        this.db = db;
        this.dbLine = dbLine;
        this.models = models;
        this.agents = agents;
        this.teams = teams;
        this.server = server;
    }

    /**
     * Reads and checks a config file; {@code ${VAR}} is read from the process environment.
     *
     * @throws ConfigException when the file cannot be read or is not a valid config
     */
    public static CadreConfig load(Path path) {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(path.toString(), 1, "", "cannot be read: " + e.getMessage());
        }
        return parse(text, path.getFileName().toString(), System.getenv());
    }

    /**
     * Checks a config given as text.
     *
     * @param fileName the name used in error messages
     * @param env the variables {@code ${VAR}} is read from
     */
    public static CadreConfig parse(String yaml, String fileName, Map<String, String> env) {
        // ${VAR} is swapped for a plain placeholder before parsing: its braces would otherwise end a
        // YAML flow mapping such as {api_key: ${OPENAI_API_KEY}}. Placeholders are resolved per value,
        // so an unset variable is reported on its own line.
        List<String[]> vars = new ArrayList<>();
        Matcher m = VAR.matcher(yaml);
        StringBuilder text = new StringBuilder();
        while (m.find()) {
            vars.add(new String[] {m.group(1), m.group(2) == null ? null : m.group(3)});
            m.appendReplacement(text, "__cadre_var_" + (vars.size() - 1) + "__");
        }
        m.appendTail(text);
        return new Reader(fileName, env, vars).read(YamlTree.parse(text.toString(), fileName));
    }

    public String db() {
        return db;
    }

    public Map<String, ModelSpec> models() {
        return models;
    }

    public List<AgentSpec> agents() {
        return agents;
    }

    public List<TeamSpec> teams() {
        return teams;
    }

    public ServerSpec server() {
        return server;
    }

    /**
     * What a config file builds: the store, one run manager, and the agents and teams, all ready to
     * run. Closing it shuts the run manager down (runs still going are cancelled with a reason) and
     * closes the store.
     */
    public record Components(Store store, RunManager runManager, List<Agent> agents, List<Team> teams)
            implements AutoCloseable {

        /** The agent or team with this id. */
        public Optional<Component<?>> find(String id) {
            List<Component<?>> all = new ArrayList<>(agents);
            all.addAll(teams);
            return all.stream().filter(c -> c.id().equals(id)).findFirst();
        }

        @Override
        public void close() {
            try {
                runManager.shutdown(java.time.Duration.ofSeconds(10));
            } finally {
                store.close();
            }
        }
    }

    /**
     * Opens the database and builds the models, agents and teams under one new {@link RunManager}.
     *
     * @throws ConfigException when the database cannot be opened
     */
    public Components build() {
        Store store;
        try {
            store = JdbcStores.open(db);
        } catch (RuntimeException e) {
            throw new ConfigException(file, dbLine, "db", "cannot open '" + db + "': " + e.getMessage());
        }
        RunManager runManager = RunManager.builder().build();
        Map<String, Model> builtModels = new LinkedHashMap<>();
        models.forEach((name, m) -> builtModels.put(name, model(m)));
        Map<String, Component<?>> byId = new LinkedHashMap<>();
        List<Agent> builtAgents = new ArrayList<>();
        for (AgentSpec a : agents) {
            Agent.Builder b = Agent.builder().id(a.id()).name(a.name()).model(builtModels.get(a.model()))
                    .db(store).runManager(runManager);
            a.role().ifPresent(b::role);
            a.description().ifPresent(b::description);
            if (!a.instructions().isEmpty()) {
                b.instructions(a.instructions().toArray(String[]::new));
            }
            Agent agent = b.build();
            builtAgents.add(agent);
            byId.put(a.id(), agent);
        }
        List<Team> builtTeams = new ArrayList<>();
        for (TeamSpec t : teams) {
            Team.Builder b = Team.builder().id(t.id()).name(t.name()).model(builtModels.get(t.model())).mode(t.mode())
                    .members(t.members().stream().<Component<?>>map(byId::get).toList())
                    .db(store).runManager(runManager);
            t.description().ifPresent(b::description);
            if (!t.instructions().isEmpty()) {
                b.instructions(t.instructions().toArray(String[]::new));
            }
            Team team = b.build();
            builtTeams.add(team);
            byId.put(t.id(), team);
        }
        return new Components(store, runManager, List.copyOf(builtAgents), List.copyOf(builtTeams));
    }

    /**
     * {@link #build() Builds} the components and returns a server builder set up with them and the
     * {@code server:} settings (override any of them before {@code build()}). Stopping the server
     * shuts the manager down and closes the store.
     *
     * @throws ConfigException when the database cannot be opened
     */
    public CadreServer.Builder serverBuilder() {
        Components c = build();
        CadreServer.Builder sb = CadreServer.builder().agents(c.agents()).teams(c.teams()).db(c.store())
                .runManager(c.runManager()).closeOnStop(c.store());
        server.host().ifPresent(sb::host);
        server.port().ifPresent(sb::port);
        server.securityKey().ifPresent(sb::securityKey);
        if (!server.corsOrigins().isEmpty()) {
            sb.corsOrigins(server.corsOrigins());
        }
        return sb;
    }

    private static Model model(ModelSpec m) {
        if (m.provider().equals("openai-chat")) {
            OpenAIChat.Builder b = OpenAIChat.builder().id(m.id());
            m.baseUrl().ifPresent(b::baseUrl);
            m.apiKey().ifPresent(b::apiKey);
            return b.build();
        }
        OpenAIResponses.Builder b = OpenAIResponses.builder().id(m.id());
        m.baseUrl().ifPresent(b::baseUrl);
        m.apiKey().ifPresent(b::apiKey);
        return b.build();
    }

    /** Walks the tree once, checking as it goes. */
    private static final class Reader {
        private final String file;
        private final Map<String, String> env;
        private final List<String[]> vars;

        Reader(String file, Map<String, String> env, List<String[]> vars) {
            this.file = file;
            this.env = env;
            this.vars = vars;
        }

        ConfigException error(Node n, String problem) {
            return new ConfigException(file, n.line(), n.path(), problem);
        }

        CadreConfig read(Node root) {
            if (!root.isMap()) {
                throw error(root, "the file must be a mapping with db, models, agents, teams, server");
            }
            keys(root, Set.of("db", "models", "agents", "teams", "server"));
            Map<String, Node> m = root.map();

            Node dbNode = m.get("db");
            String db = dbNode == null ? "sqlite:cadre.db" : requiredText(dbNode);
            int dbLine = dbNode == null ? 1 : dbNode.line();

            Map<String, ModelSpec> models = new LinkedHashMap<>();
            Node modelsNode = m.get("models");
            if (modelsNode != null) {
                for (Map.Entry<String, Node> e : mapping(modelsNode).entrySet()) {
                    models.put(e.getKey(), modelSpec(e.getKey(), e.getValue()));
                }
            }

            Map<String, Integer> ids = new LinkedHashMap<>();
            List<AgentSpec> agents = new ArrayList<>();
            Node agentsNode = m.get("agents");
            if (agentsNode != null) {
                for (Node a : sequence(agentsNode)) {
                    AgentSpec spec = agentSpec(a, models);
                    unique(a, spec.id(), ids);
                    agents.add(spec);
                }
            }
            List<TeamSpec> teams = new ArrayList<>();
            Node teamsNode = m.get("teams");
            if (teamsNode != null) {
                for (Node t : sequence(teamsNode)) {
                    TeamSpec spec = teamSpec(t, models, ids);
                    unique(t, spec.id(), ids);
                    teams.add(spec);
                }
            }
            if (agents.isEmpty() && teams.isEmpty()) {
                throw error(root, "nothing to serve: define at least one agent or team");
            }
            ServerSpec server = serverSpec(m.get("server"));
            return new CadreConfig(file, db, dbLine, java.util.Collections.unmodifiableMap(models), List.copyOf(agents),
                    List.copyOf(teams),
                    server);
        }

        private void unique(Node n, String id, Map<String, Integer> ids) {
            Integer first = ids.putIfAbsent(id, n.line());
            if (first != null) {
                throw error(n, "the id '" + id + "' is used twice (first on line " + first + ")");
            }
        }

        ModelSpec modelSpec(String name, Node n) {
            keys(n, Set.of("provider", "id", "base_url", "api_key"));
            Node providerNode = require(n, "provider");
            String provider = requiredText(providerNode);
            if (!PROVIDERS.contains(provider)) {
                throw error(providerNode, "'" + provider + "' is not one of " + String.join(", ", PROVIDERS));
            }
            String id = requiredText(require(n, "id"));
            Optional<String> baseUrl = optionalText(n, "base_url");
            baseUrl.ifPresent(u -> {
                if (!u.startsWith("http://") && !u.startsWith("https://")) {
                    throw error(n.map().get("base_url"), "'" + u + "' is not an http:// or https:// URL");
                }
            });
            return new ModelSpec(name, provider, id, baseUrl, optionalText(n, "api_key"));
        }

        AgentSpec agentSpec(Node n, Map<String, ModelSpec> models) {
            keys(n, Set.of("id", "name", "model", "role", "description", "instructions"));
            String[] idName = idAndName(n);
            return new AgentSpec(idName[0], idName[1], modelRef(n, models), optionalText(n, "role"),
                    optionalText(n, "description"), instructions(n));
        }

        TeamSpec teamSpec(Node n, Map<String, ModelSpec> models, Map<String, Integer> known) {
            keys(n, Set.of("id", "name", "model", "members", "description", "instructions", "mode"));
            String[] idName = idAndName(n);
            Node membersNode = require(n, "members");
            List<String> members = new ArrayList<>();
            for (Node mem : sequence(membersNode)) {
                String id = requiredText(mem);
                if (!known.containsKey(id)) {
                    throw error(mem, "no agent or team '" + id + "' is defined above (known: "
                            + String.join(", ", known.keySet()) + ")");
                }
                if (members.contains(id)) {
                    throw error(mem, "'" + id + "' is listed twice");
                }
                members.add(id);
            }
            if (members.isEmpty()) {
                throw error(membersNode, "a team needs at least one member");
            }
            TeamMode mode = TeamMode.COORDINATE;
            Node modeNode = n.map().get("mode");
            if (modeNode != null) {
                String v = requiredText(modeNode);
                try {
                    mode = TeamMode.valueOf(v.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw error(modeNode, "'" + v + "' is not one of coordinate, route, broadcast");
                }
            }
            return new TeamSpec(idName[0], idName[1], modelRef(n, models), List.copyOf(members),
                    optionalText(n, "description"), instructions(n), mode);
        }

        ServerSpec serverSpec(Node n) {
            if (n == null) {
                return new ServerSpec(Optional.empty(), Optional.empty(), securityKeyFromEnv(), List.of());
            }
            keys(n, Set.of("host", "port", "security_key", "cors_origins"));
            Optional<Integer> port = optionalText(n, "port").map(p -> {
                try {
                    int v = Integer.parseInt(p);
                    if (v < 0 || v > 65535) {
                        throw new NumberFormatException();
                    }
                    return v;
                } catch (NumberFormatException e) {
                    throw error(n.map().get("port"), "'" + p + "' is not a port number (0-65535)");
                }
            });
            List<String> origins = new ArrayList<>();
            Node originsNode = n.map().get("cors_origins");
            if (originsNode != null) {
                for (Node o : sequence(originsNode)) {
                    origins.add(requiredText(o));
                }
            }
            Optional<String> key = optionalText(n, "security_key").or(this::securityKeyFromEnv);
            return new ServerSpec(optionalText(n, "host"), port, key, List.copyOf(origins));
        }

        private Optional<String> securityKeyFromEnv() {
            return Optional.ofNullable(env.get("OS_SECURITY_KEY")).filter(s -> !s.isBlank());
        }

        private String[] idAndName(Node n) {
            Optional<String> id = optionalText(n, "id");
            Optional<String> name = optionalText(n, "name");
            if (id.isEmpty() && name.isEmpty()) {
                throw error(n, "needs an id or a name");
            }
            String theId = id.orElseGet(() -> name.get().trim().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-")
                    .replaceAll("(^-+|-+$)", ""));
            if (!theId.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
                throw error(id.isPresent() ? n.map().get("id") : n, "'" + theId
                        + "' is not a usable id (letters, digits, '.', '_' and '-', as it appears in URLs)");
            }
            return new String[] {theId, name.orElse(theId)};
        }

        private String modelRef(Node n, Map<String, ModelSpec> models) {
            Node ref = n.map().get("model");
            if (ref == null) {
                if (models.size() == 1) {
                    return models.keySet().iterator().next();
                }
                if (models.containsKey("default")) {
                    return "default";
                }
                throw error(n, "needs a model (define one under models:)");
            }
            String name = requiredText(ref);
            if (!models.containsKey(name)) {
                throw error(ref, "no model '" + name + "' under models:"
                        + (models.isEmpty() ? " (there are none)" : " (known: " + String.join(", ", models.keySet()) + ")"));
            }
            return name;
        }

        private List<String> instructions(Node n) {
            Node i = n.map().get("instructions");
            if (i == null) {
                return List.of();
            }
            if (i.isScalar()) {
                return List.of(requiredText(i));
            }
            List<String> out = new ArrayList<>();
            for (Node s : sequence(i)) {
                out.add(requiredText(s));
            }
            return List.copyOf(out);
        }

        private void keys(Node n, Set<String> allowed) {
            for (Map.Entry<String, Node> e : mapping(n).entrySet()) {
                if (!allowed.contains(e.getKey())) {
                    throw error(e.getValue(), "unknown key (known here: " + String.join(", ", allowed.stream().sorted().toList()) + ")");
                }
            }
        }

        private Map<String, Node> mapping(Node n) {
            if (!n.isMap()) {
                throw error(n, "must be a mapping (key: value)");
            }
            return n.map();
        }

        private List<Node> sequence(Node n) {
            if (!n.isList()) {
                throw error(n, "must be a list");
            }
            return n.list();
        }

        private Node require(Node parent, String key) {
            Node v = mapping(parent).get(key);
            if (v == null) {
                throw new ConfigException(file, parent.line(), parent.path().isEmpty() ? key : parent.path() + "." + key,
                        "is required");
            }
            return v;
        }

        private Optional<String> optionalText(Node parent, String key) {
            Node v = parent.map().get(key);
            if (v == null || v.value() == null) {
                return Optional.empty();
            }
            String s = text(v);
            return s.isBlank() ? Optional.empty() : Optional.of(s);
        }

        private String requiredText(Node n) {
            if (n.value() == null) {
                throw error(n, "must have a value");
            }
            String s = text(n);
            if (s.isBlank()) {
                throw error(n, "must not be empty");
            }
            return s;
        }

        /** A scalar with {@code ${VAR}} and {@code ${VAR:-default}} replaced from the environment. */
        private String text(Node n) {
            if (!n.isScalar()) {
                throw error(n, "must be a single value, not a " + (n.isMap() ? "mapping" : "list"));
            }
            Matcher m = PLACEHOLDER.matcher(n.text());
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String[] var = vars.get(Integer.parseInt(m.group(1)));
                String value = env.get(var[0]);
                if (value == null || value.isEmpty()) {
                    if (var[1] == null) {
                        throw error(n, "the environment variable " + var[0] + " is not set");
                    }
                    value = var[1];
                }
                m.appendReplacement(out, Matcher.quoteReplacement(value));
            }
            m.appendTail(out);
            return out.toString().trim();
        }
    }
}
