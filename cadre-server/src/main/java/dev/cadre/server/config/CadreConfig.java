package dev.cadre.server.config;

import dev.cadre.Agent;
import dev.cadre.Component;
import dev.cadre.RunManager;
import dev.cadre.Team;
import dev.cadre.TeamMode;
import dev.cadre.model.OutputSchema;
import dev.cadre.server.CadreServer;
import dev.cadre.server.JwtAuth;
import dev.cadre.db.Db;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A declarative description of what to serve: models, agents, teams, the database and the server
 * settings, read from YAML.
 *
 * <pre>{@code
 * db: sqlite:cadre.db
 * models:
 *   default: {provider: openai-responses, id: gpt-5.2-mini, api_key: ${OPENAI_API_KEY}}
 *   # or {provider: gemini, id: gemini-2.5-flash}: the key from GEMINI_API_KEY (else GOOGLE_API_KEY)
 * agents:
 *   - {id: researcher, name: Researcher, model: default, role: Research topics.}
 *   # an agent with the tools of MCP servers: a process (stdio) or a streamable-HTTP endpoint
 *   - id: librarian
 *     mcp_servers:
 *       - {command: npx, args: [-y, "@modelcontextprotocol/server-filesystem", /srv/docs], prefix: fs_}
 *       - {url: http://localhost:8931/mcp, headers: {Authorization: Bearer ${MCP_TOKEN}}}
 * teams:
 *   - {id: research-team, name: ResearchTeam, model: default, members: [researcher]}
 * server: {port: 7777, host: 127.0.0.1, security_key: ${OS_SECURITY_KEY:-}, cors_origins: [http://localhost:3000]}
 * # or JWT: server: {jwt: {verification_key: ${JWT_VERIFICATION_KEY}, user_isolation: true}}
 * # PostgreSQL only: runs survive their process, on a fleet sharing the db (see cadre-durable)
 * execution: {mode: durable, worker_concurrency: 100}
 * }</pre>
 *
 * <p>{@link #load} checks the whole file — unknown keys, missing fields, references to models and
 * members that do not exist, unset environment variables — and fails with a {@link ConfigException}
 * naming the line. Nothing is opened or connected until {@link #serverBuilder()}. Immutable.
 */
public final class CadreConfig {

    /** The model providers a config may name. */
    public static final List<String> PROVIDERS = List.of("openai-responses", "openai-chat", "anthropic", "gemini");

    /** A model entry. */
    public record ModelConfig(String name, String provider, String id, Optional<String> baseUrl, Optional<String> apiKey) {

        /**
         * The model this entry describes, built as a config's agents and teams get it (opens nothing until it is
         * called); for configurations read from elsewhere (Spring Boot's properties, say).
         *
         * @throws IllegalArgumentException when {@code provider} is not one of {@link #PROVIDERS}
         */
        public dev.cadre.model.Model build() {
            if (!PROVIDERS.contains(provider)) {
                throw new IllegalArgumentException("'" + provider + "' is not one of " + String.join(", ", PROVIDERS));
            }
            return Assembly.model(this);
        }
    }

    /** An agent entry; {@code mcpServers} give it the tools of MCP servers. */
    public record AgentConfig(String id, String name, String model, Optional<String> role, Optional<String> description,
            List<String> instructions, Optional<OutputSchema> outputSchema, List<McpServerConfig> mcpServers,
            MemoryConfig memories) {
    }

    /** A team entry; members are ids of agents or of teams defined above it; {@code mcpServers} as for agents. */
    public record TeamConfig(String id, String name, String model, List<String> members, Optional<String> description,
            List<String> instructions, TeamMode mode, Optional<OutputSchema> outputSchema,
            List<McpServerConfig> mcpServers, MemoryConfig memories) {
    }

    /**
     * An entry of an agent's or team's {@code mcp_servers:} (see cadre-mcp's {@code McpTools}): a server started as
     * a process ({@code command} with {@code args}, {@code env}, {@code working_dir}) or reached over streamable
     * HTTP ({@code url} with {@code headers}); {@code prefix}, {@code include_tools} and {@code exclude_tools}
     * name and choose its tools. {@code line} and {@code path} place it in the file, for errors when it is
     * connected.
     */
    public record McpServerConfig(int line, String path, Optional<String> command, List<String> args,
            Map<String, String> env, Optional<Path> workingDirectory, Optional<String> url, Map<String, String> headers,
            Optional<String> prefix, List<String> includeTools, List<String> excludeTools) {
    }

    /**
     * The user memories of an agent or team: {@code enable_user_memories} (a memory step after each completed run of
     * a user) and {@code add_memories_to_context} (the user's memories in the system prompt; defaults to the former).
     */
    public record MemoryConfig(boolean enableUserMemories, boolean addMemoriesToContext) {
    }

    /**
     * The {@code execution:} section: {@code local} (the default: runs execute in the process that accepts them) or
     * {@code durable} (PostgreSQL only: runs are DBOS workflows the fleet of processes sharing the db executes, each
     * resumed from its last completed step when its process dies; see cadre-durable).
     *
     * @param workerConcurrency how many background runs this process executes at once (durable default 100)
     * @param appVersion the application version runs are resumed by (durable default {@code cadre-1})
     * @param schema the schema of DBOS's tables (durable default {@code dbos})
     * @param staleAfter how old a process's heartbeat is when it is taken for dead and its runs resumed elsewhere
     *     (default {@link #DEFAULT_STALE_AFTER}; the process beats four times as often): a dead process's runs are
     *     resumed within this plus the recovery round (5 s) — 15 s by default
     */
    public record ExecutionConfig(boolean durable, Optional<Integer> workerConcurrency, Optional<String> appVersion,
            Optional<String> schema, Optional<java.time.Duration> staleAfter) {

        /** How old a durable process's heartbeat is when it is taken for dead, unless set. */
        public static final java.time.Duration DEFAULT_STALE_AFTER = java.time.Duration.ofSeconds(10);

        /** The default: runs execute in the process that accepts them. */
        public static final ExecutionConfig LOCAL = new ExecutionConfig(false, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty());
    }

    /** The {@code server:} section. */
    public record ServerConfig(Optional<String> host, Optional<Integer> port, Optional<String> securityKey,
            List<String> corsOrigins, Optional<JwtConfig> jwt, boolean ui) {
    }

    /**
     * The {@code server.jwt:} section, or {@code JWT_VERIFICATION_KEY} / {@code JWT_JWKS_FILE} from the
     * environment as in AgentOS: JWT authentication with scopes and user isolation (see
     * {@link dev.cadre.server.JwtAuth}).
     */
    public record JwtConfig(Optional<String> verificationKey, Optional<Path> jwksFile, Optional<String> algorithm,
            boolean authorization, boolean userIsolation, boolean verifyAudience, List<String> audience,
            Optional<String> adminScope) {

        JwtAuth auth() {
            JwtAuth.Builder b = JwtAuth.builder().authorization(authorization).userIsolation(userIsolation);
            verificationKey.ifPresent(b::verificationKey);
            jwksFile.ifPresent(b::jwksFile);
            algorithm.ifPresent(b::algorithm);
            if (verifyAudience) {
                b.verifyAudience(audience.toArray(String[]::new));
            }
            adminScope.ifPresent(b::adminScope);
            return b.build();
        }
    }

    private final String file;
    private final String db;
    private final int dbLine;
    private final Map<String, ModelConfig> models;
    private final List<AgentConfig> agents;
    private final List<TeamConfig> teams;
    private final ServerConfig server;
    private final ExecutionConfig execution;

    static CadreConfig of(String file, String db, int dbLine, Map<String, ModelConfig> models, List<AgentConfig> agents,
            List<TeamConfig> teams, ServerConfig server, ExecutionConfig execution) {
        return new CadreConfig(file, db, dbLine, models, agents, teams, server, execution);
    }

    private CadreConfig(String file, String db, int dbLine, Map<String, ModelConfig> models, List<AgentConfig> agents,
            List<TeamConfig> teams, ServerConfig server, ExecutionConfig execution) {
        this.execution = execution;
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
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ConfigException(path.toString(), 0, "", "file not found");
        } catch (java.nio.file.AccessDeniedException e) {
            throw new ConfigException(path.toString(), 0, "", "cannot be read: permission denied");
        } catch (IOException e) {
            // The JDK's messages for these name the path alone (already said); its exception type says why.
            throw new ConfigException(path.toString(), 0, "", "cannot be read ("
                    + (e.getMessage() != null && !e.getMessage().equals(path.toString()) ? e.getMessage()
                            : e.getClass().getSimpleName()) + ")");
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
        EnvPlaceholders placeholders = EnvPlaceholders.swap(yaml, env);
        return new ConfigReader(fileName, env, placeholders).read(YamlTree.parse(placeholders.text(), fileName));
    }

    public String db() {
        return db;
    }

    public Map<String, ModelConfig> models() {
        return models;
    }

    /**
     * The model of {@code models.<name>}, built as the agents and teams get it (opens nothing until it is called).
     *
     * @throws IllegalArgumentException when the config has no model of that name
     */
    public dev.cadre.model.Model model(String name) {
        ModelConfig m = models.get(name);
        if (m == null) {
            throw new IllegalArgumentException("No model '" + name + "' in the config; it has " + models.keySet());
        }
        return Assembly.model(m);
    }

    public List<AgentConfig> agents() {
        return agents;
    }

    public List<TeamConfig> teams() {
        return teams;
    }

    public ServerConfig server() {
        return server;
    }

    public ExecutionConfig execution() {
        return execution;
    }

    /**
     * What a config file builds: the store, one run manager, and the agents and teams, all ready to
     * run, with the MCP servers they use connected. Closing it shuts the run manager down (runs still going are
     * cancelled with a reason), closes the MCP clients (stopping stdio servers) and closes the store.
     */
    public record Components(Db db, RunManager runManager, List<Agent> agents, List<Team> teams,
            Optional<dev.cadre.durable.DurableRuns> durable, List<dev.cadre.mcp.McpTools> mcpServers)
            implements AutoCloseable {

        /** The agent or team with this id. */
        public Optional<Component<?>> find(String id) {
            List<Component<?>> all = new ArrayList<>(agents);
            all.addAll(teams);
            return all.stream().filter(c -> c.id().equals(id)).findFirst();
        }

        /** Durable: hands the runs in flight to the other processes (10 s to finish first); local: cancels them. */
        @Override
        public void close() {
            try {
                if (durable.isPresent()) {
                    durable.get().drain(java.time.Duration.ofSeconds(10));
                }
                runManager.shutdown(java.time.Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                mcpServers.forEach(dev.cadre.mcp.McpTools::close);
                db.close();
            }
        }
    }

    /**
     * Opens the database, connects the MCP servers and builds the models, agents and teams under one new
     * {@link RunManager}.
     *
     * @throws ConfigException when the db setting is not a database a store can be opened on, or an MCP server
     *     cannot be started or reached (or offers a tool whose name clashes); the message names its entry
     * @throws dev.cadre.db.DbException when the database cannot be opened (unreachable, damaged, ...)
     */
    public Components build() {
        return Assembly.build(file, db, dbLine, models, agents, teams, execution, List.of());
    }

    /**
     * {@link #build() Builds} the components and returns a server builder set up with them and the
     * {@code server:} settings (override any of them before {@code build()}). Stopping the server
     * shuts the manager down and closes the store. The server exports Prometheus metrics at
     * {@code GET /metrics/prometheus}: Cadre's run meters ({@code dev.cadre.micrometer.CadreMetrics}, listening to
     * the manager and bound to it) and the JVM's basics (memory, threads, garbage collection, CPU, uptime).
     *
     * @throws ConfigException when the db setting is not a database a store can be opened on
     * @throws dev.cadre.db.DbException when the database cannot be opened
     */
    public CadreServer.Builder serverBuilder() {
        ServerMeters meters = ServerMeters.create();
        Components c;
        try {
            c = Assembly.build(file, db, dbLine, models, agents, teams, execution, List.of(meters.runs()));
        } catch (RuntimeException e) {
            meters.close();
            throw e;
        }
        meters.runs().bind(c.runManager());
        CadreServer.Builder sb = CadreServer.builder().agents(c.agents()).teams(c.teams()).db(c.db())
                .runManager(c.runManager()).prometheus(meters.registry()).closeOnStop(c.db()).closeOnStop(meters);
        c.mcpServers().forEach(sb::closeOnStop);
        c.durable().ifPresent(sb::durable);
        server.host().ifPresent(sb::host);
        server.port().ifPresent(sb::port);
        server.securityKey().ifPresent(sb::securityKey);
        server.jwt().ifPresent(j -> sb.jwt(j.auth()));
        sb.ui(server.ui());
        if (!server.corsOrigins().isEmpty()) {
            sb.corsOrigins(server.corsOrigins());
        }
        return sb;
    }
}
