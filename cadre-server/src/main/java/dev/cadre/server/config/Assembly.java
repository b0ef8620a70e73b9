package dev.cadre.server.config;

import dev.cadre.Agent;
import dev.cadre.Component;
import dev.cadre.RunManager;
import dev.cadre.Team;
import dev.cadre.anthropic.AnthropicModel;
import dev.cadre.db.Db;
import dev.cadre.durable.DurableRuns;
import dev.cadre.jdbc.PostgresDb;
import dev.cadre.jdbc.JdbcDbs;
import dev.cadre.gemini.GeminiModel;
import dev.cadre.model.Model;
import dev.cadre.openai.OpenAIChat;
import dev.cadre.openai.OpenAIResponses;
import dev.cadre.run.RunListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Turns a checked config into running parts: the db, the models, the agents and teams, one run manager. */
final class Assembly {

    private Assembly() {
    }

    static CadreConfig.Components build(String file, String db, int dbLine, Map<String, CadreConfig.ModelConfig> models,
            List<CadreConfig.AgentConfig> agents, List<CadreConfig.TeamConfig> teams,
            CadreConfig.ExecutionConfig execution, List<RunListener> listeners) {
        Db store;
        try {
            // Durable: a dead process's runs are resumed by the others, not ended as orphans.
            store = execution.durable() ? JdbcDbs.open(db, b -> {
                Duration stale = execution.staleAfter().orElse(CadreConfig.ExecutionConfig.DEFAULT_STALE_AFTER);
                b.sweepOrphans(false).staleAfter(stale)
                        .heartbeatInterval(Duration.ofMillis(Math.max(250, stale.toMillis() / 4)));
            }) : JdbcDbs.open(db);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(file, dbLine, "db", e.getMessage());
        }
        // On PostgreSQL a cancel through any process reaches the one running the run at once (LISTEN/NOTIFY).
        RunManager.Builder managed = RunManager.builder().cancellationManager(JdbcDbs.cancellations(store));
        listeners.forEach(managed::listener);
        RunManager runManager = managed.build();
        Map<String, Model> builtModels = new LinkedHashMap<>();
        models.forEach((name, m) -> builtModels.put(name, model(m)));
        List<dev.cadre.mcp.McpTools> mcp = new ArrayList<>();
        try {
            return components(file, store, runManager, builtModels, agents, teams, execution, mcp);
        } catch (RuntimeException e) {
            mcp.forEach(dev.cadre.mcp.McpTools::close);
            store.close();
            throw e;
        }
    }

    private static CadreConfig.Components components(String file, Db store, RunManager runManager,
            Map<String, Model> builtModels, List<CadreConfig.AgentConfig> agents, List<CadreConfig.TeamConfig> teams,
            CadreConfig.ExecutionConfig execution, List<dev.cadre.mcp.McpTools> mcp) {
        Map<String, Component<?>> byId = new LinkedHashMap<>();
        List<Agent> builtAgents = new ArrayList<>();
        for (CadreConfig.AgentConfig a : agents) {
            Agent.Builder b = Agent.builder().id(a.id()).name(a.name()).model(builtModels.get(a.model()))
                    .db(store).runManager(runManager);
            a.role().ifPresent(b::role);
            a.description().ifPresent(b::description);
            a.outputSchema().ifPresent(b::outputSchema);
            b.enableUserMemories(a.memories().enableUserMemories()).addMemoriesToContext(a.memories()
                    .addMemoriesToContext());
            if (!a.instructions().isEmpty()) {
                b.instructions(a.instructions().toArray(String[]::new));
            }
            b.tools(McpAssembly.tools(file, a.mcpServers(), mcp));
            Agent agent = b.build();
            builtAgents.add(agent);
            byId.put(a.id(), agent);
        }
        List<Team> builtTeams = new ArrayList<>();
        for (CadreConfig.TeamConfig t : teams) {
            Team.Builder b = Team.builder().id(t.id()).name(t.name()).model(builtModels.get(t.model())).mode(t.mode())
                    .members(t.members().stream().<Component<?>>map(byId::get).toList())
                    .db(store).runManager(runManager);
            t.description().ifPresent(b::description);
            t.outputSchema().ifPresent(b::outputSchema);
            b.enableUserMemories(t.memories().enableUserMemories()).addMemoriesToContext(t.memories()
                    .addMemoriesToContext());
            if (!t.instructions().isEmpty()) {
                b.instructions(t.instructions().toArray(String[]::new));
            }
            b.tools(McpAssembly.tools(file, t.mcpServers(), mcp));
            Team team = b.build();
            builtTeams.add(team);
            byId.put(t.id(), team);
        }
        Optional<DurableRuns> durable = Optional.empty();
        if (execution.durable()) {
            DurableRuns.Builder b = DurableRuns.builder((PostgresDb) store);
            byId.values().forEach(b::component);
            execution.workerConcurrency().ifPresent(b::workerConcurrency);
            execution.appVersion().ifPresent(b::appVersion);
            execution.schema().ifPresent(b::schema);
            durable = Optional.of(b.build());
        }
        return new CadreConfig.Components(store, runManager, List.copyOf(builtAgents), List.copyOf(builtTeams),
                durable, List.copyOf(mcp));
    }

    static Model model(CadreConfig.ModelConfig m) {
        if (m.provider().equals("anthropic")) {
            // Without api_key, the key comes from ANTHROPIC_API_KEY (and the base URL from ANTHROPIC_BASE_URL).
            AnthropicModel.Builder b = AnthropicModel.builder().id(m.id());
            m.baseUrl().ifPresent(b::baseUrl);
            m.apiKey().ifPresent(b::apiKey);
            return b.build();
        }
        if (m.provider().equals("gemini")) {
            GeminiModel.Builder b = GeminiModel.builder().id(m.id());
            m.baseUrl().ifPresent(b::baseUrl);
            m.apiKey().ifPresent(b::apiKey);
            return b.build();
        }
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
}
