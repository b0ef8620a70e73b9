package dev.cadre.server.config;

import dev.cadre.TeamMode;
import dev.cadre.server.config.CadreConfig.AgentConfig;
import dev.cadre.server.config.CadreConfig.ExecutionConfig;
import dev.cadre.server.config.CadreConfig.JwtConfig;
import dev.cadre.server.config.CadreConfig.ModelConfig;
import dev.cadre.server.config.CadreConfig.ServerConfig;
import dev.cadre.server.config.CadreConfig.TeamConfig;
import dev.cadre.server.config.YamlTree.Node;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Walks a config's YAML tree once, checking as it goes; every problem is a {@link ConfigException} naming its line. */
final class ConfigReader {


    private final String file;
    private final Map<String, String> env;
    private final EnvPlaceholders placeholders;

    ConfigReader(String file, Map<String, String> env, EnvPlaceholders placeholders) {
        this.file = file;
        this.env = env;
        this.placeholders = placeholders;
    }

    ConfigException error(Node n, String problem) {
        return new ConfigException(file, n.line(), n.path(), problem);
    }

    CadreConfig read(Node root) {
        if (!root.isMap()) {
            throw error(root, "the file must be a mapping with db, models, agents, teams, server");
        }
        keys(root, Set.of("db", "models", "agents", "teams", "server", "execution"));
        Map<String, Node> m = root.map();

        Node dbNode = m.get("db");
        String db = dbNode == null ? "sqlite:cadre.db" : requiredText(dbNode);
        int dbLine = dbNode == null ? 1 : dbNode.line();

        Map<String, ModelConfig> models = new LinkedHashMap<>();
        Node modelsNode = m.get("models");
        if (modelsNode != null) {
            for (Map.Entry<String, Node> e : mapping(modelsNode).entrySet()) {
                models.put(e.getKey(), modelSpec(e.getKey(), e.getValue()));
            }
        }

        Map<String, Integer> ids = new LinkedHashMap<>();
        List<AgentConfig> agents = new ArrayList<>();
        Node agentsNode = m.get("agents");
        if (agentsNode != null) {
            for (Node a : sequence(agentsNode)) {
                AgentConfig spec = agentSpec(a, models);
                unique(a, spec.id(), ids);
                agents.add(spec);
            }
        }
        List<TeamConfig> teams = new ArrayList<>();
        Node teamsNode = m.get("teams");
        if (teamsNode != null) {
            for (Node t : sequence(teamsNode)) {
                TeamConfig spec = teamSpec(t, models, ids);
                unique(t, spec.id(), ids);
                teams.add(spec);
            }
        }
        if (agents.isEmpty() && teams.isEmpty()) {
            throw error(root, "nothing to serve: define at least one agent or team");
        }
        ServerConfig server = serverSpec(m.get("server"));
        ExecutionConfig execution = executionSpec(m.get("execution"), db);
        return CadreConfig.of(file, db, dbLine, java.util.Collections.unmodifiableMap(models), List.copyOf(agents),
                List.copyOf(teams), server, execution);
    }

    private void unique(Node n, String id, Map<String, Integer> ids) {
        Integer first = ids.putIfAbsent(id, n.line());
        if (first != null) {
            throw error(n, "the id '" + id + "' is used twice (first on line " + first + ")");
        }
    }

    ModelConfig modelSpec(String name, Node n) {
        keys(n, Set.of("provider", "id", "base_url", "api_key"));
        Node providerNode = require(n, "provider");
        String provider = requiredText(providerNode);
        if (!CadreConfig.PROVIDERS.contains(provider)) {
            throw error(providerNode, "'" + provider + "' is not one of " + String.join(", ", CadreConfig.PROVIDERS));
        }
        String id = requiredText(require(n, "id"));
        Optional<String> baseUrl = optionalText(n, "base_url");
        baseUrl.ifPresent(u -> {
            if (!u.startsWith("http://") && !u.startsWith("https://")) {
                throw error(n.map().get("base_url"), "'" + u + "' is not an http:// or https:// URL");
            }
        });
        Optional<String> apiKey = optionalText(n, "api_key");
        if (apiKey.isEmpty()) {
            // As the provider's SDK itself would, but from the environment this config is read with, for every
            // provider alike.
            List<String> names = switch (provider) {
                case "anthropic" -> List.of("ANTHROPIC_API_KEY");
                case "gemini" -> List.of("GEMINI_API_KEY", "GOOGLE_API_KEY");
                default -> List.of("OPENAI_API_KEY");
            };
            apiKey = names.stream().map(env::get).filter(k -> k != null && !k.isBlank()).findFirst();
        }
        return new ModelConfig(name, provider, id, baseUrl, apiKey);
    }

    AgentConfig agentSpec(Node n, Map<String, ModelConfig> models) {
        keys(n, Set.of("id", "name", "model", "role", "description", "instructions", "output_schema", "mcp_servers",
                "enable_user_memories", "add_memories_to_context"));
        String[] idName = idAndName(n);
        return new AgentConfig(idName[0], idName[1], modelRef(n, models), optionalText(n, "role"),
                optionalText(n, "description"), instructions(n), OutputSchemaConfig.read(this, n, idName[0]),
                new McpServersReader(this).read(n), memories(n));
    }

    TeamConfig teamSpec(Node n, Map<String, ModelConfig> models, Map<String, Integer> known) {
        keys(n, Set.of("id", "name", "model", "members", "description", "instructions", "mode", "output_schema",
                "mcp_servers", "enable_user_memories", "add_memories_to_context"));
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
        return new TeamConfig(idName[0], idName[1], modelRef(n, models), List.copyOf(members),
                optionalText(n, "description"), instructions(n), mode, OutputSchemaConfig.read(this, n, idName[0]),
                new McpServersReader(this).read(n), memories(n));
    }

    ServerConfig serverSpec(Node n) {
        if (n == null) {
            return new ServerConfig(Optional.empty(), Optional.empty(), securityKeyFromEnv(), List.of(), jwtFromEnv(), true);
        }
        keys(n, Set.of("host", "port", "security_key", "cors_origins", "jwt", "ui"));
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
        Node jwt = n.map().get("jwt");
        return new ServerConfig(optionalText(n, "host"), port, key, List.copyOf(origins),
                jwt == null ? jwtFromEnv() : Optional.of(jwtSpec(jwt)), bool(n, "ui", true));
    }

    /** {@code execution: {mode: local|durable, worker_concurrency, app_version, schema, stale_after_seconds}}. */
    ExecutionConfig executionSpec(Node n, String db) {
        if (n == null) {
            return ExecutionConfig.LOCAL;
        }
        keys(n, Set.of("mode", "worker_concurrency", "app_version", "schema", "stale_after_seconds"));
        String mode = optionalText(n, "mode").orElse("local");
        if (!mode.equals("local") && !mode.equals("durable")) {
            throw error(n.map().get("mode"), "'" + mode + "' is not one of local, durable");
        }
        boolean durable = mode.equals("durable");
        if (durable && !db.strip().matches("(?i)(jdbc:postgresql:|postgres(ql)?(\\+[a-z0-9_]+)?://).*")) {
            throw error(n.map().get("mode"), "durable execution keeps its runs in PostgreSQL: set db to a PostgreSQL "
                    + "database (postgresql://user:password@host:5432/db), not " + db.replaceAll("//[^@/]*@", "//***@"));
        }
        if (!durable && n.map().keySet().stream().anyMatch(k -> !k.equals("mode"))) {
            throw error(n, "worker_concurrency, app_version, schema and stale_after_seconds are settings of durable "
                    + "execution: add mode: durable");
        }
        Optional<Integer> workers = positive(n, "worker_concurrency");
        Optional<Integer> stale = positive(n, "stale_after_seconds");
        return new ExecutionConfig(durable, workers, optionalText(n, "app_version"), optionalText(n, "schema"),
                stale.map(java.time.Duration::ofSeconds));
    }

    private Optional<Integer> positive(Node parent, String key) {
        return optionalText(parent, key).map(v -> {
            try {
                int i = Integer.parseInt(v);
                if (i >= 1) {
                    return i;
                }
            } catch (NumberFormatException e) {
                // said below
            }
            throw error(parent.map().get(key), "'" + v + "' is not a whole number of 1 or more");
        });
    }

    private Optional<String> securityKeyFromEnv() {
        return Optional.ofNullable(env.get("OS_SECURITY_KEY")).filter(s -> !s.isBlank());
    }

    /** AgentOS's switch: {@code JWT_VERIFICATION_KEY} or {@code JWT_JWKS_FILE} turns JWT mode on. */
    private Optional<JwtConfig> jwtFromEnv() {
        Optional<String> key = Optional.ofNullable(env.get("JWT_VERIFICATION_KEY")).filter(s -> !s.isBlank());
        Optional<Path> jwks = Optional.ofNullable(env.get("JWT_JWKS_FILE")).filter(s -> !s.isBlank()).map(Path::of);
        if (key.isEmpty() && jwks.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new JwtConfig(key, jwks, Optional.empty(), true, true, false, List.of(), Optional.empty()));
    }

    JwtConfig jwtSpec(Node n) {
        keys(n, Set.of("verification_key", "jwks_file", "algorithm", "authorization", "user_isolation",
                "verify_audience", "audience", "admin_scope"));
        Optional<String> key = optionalText(n, "verification_key")
                .or(() -> Optional.ofNullable(env.get("JWT_VERIFICATION_KEY")).filter(s -> !s.isBlank()));
        Optional<Path> jwks = optionalText(n, "jwks_file")
                .or(() -> Optional.ofNullable(env.get("JWT_JWKS_FILE")).filter(s -> !s.isBlank())).map(Path::of);
        if (key.isEmpty() && jwks.isEmpty()) {
            throw error(n, "needs verification_key (an HMAC secret or a PEM public key) or jwks_file,"
                    + " or JWT_VERIFICATION_KEY / JWT_JWKS_FILE in the environment");
        }
        List<String> audience = new ArrayList<>();
        Node aud = n.map().get("audience");
        if (aud != null) {
            if (aud.isScalar()) {
                audience.add(requiredText(aud));
            } else {
                sequence(aud).forEach(a -> audience.add(requiredText(a)));
            }
        }
        return new JwtConfig(key, jwks, optionalText(n, "algorithm"), bool(n, "authorization", true),
                bool(n, "user_isolation", true), bool(n, "verify_audience", !audience.isEmpty()), List.copyOf(audience),
                optionalText(n, "admin_scope"));
    }

    private CadreConfig.MemoryConfig memories(Node n) {
        boolean enable = bool(n, "enable_user_memories", false);
        return new CadreConfig.MemoryConfig(enable, bool(n, "add_memories_to_context", enable));
    }

    private boolean bool(Node parent, String key, boolean dflt) {
        Optional<String> v = optionalText(parent, key);
        if (v.isEmpty()) {
            return dflt;
        }
        return switch (v.get().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw error(parent.map().get(key), "'" + v.get() + "' is not true or false");
        };
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

    private String modelRef(Node n, Map<String, ModelConfig> models) {
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

    void keys(Node n, Set<String> allowed) {
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
    String text(Node n) {
        if (!n.isScalar()) {
            throw error(n, "must be a single value, not a " + (n.isMap() ? "mapping" : "list"));
        }
        return placeholders.resolve(n.text(), problem -> error(n, problem));
    }
}
