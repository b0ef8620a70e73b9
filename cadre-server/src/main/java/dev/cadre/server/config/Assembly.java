package dev.cadre.server.config;

import dev.cadre.Agent;
import dev.cadre.Component;
import dev.cadre.RunManager;
import dev.cadre.Team;
import dev.cadre.db.Db;
import dev.cadre.durable.DurableRuns;
import dev.cadre.jdbc.PostgresDb;
import dev.cadre.jdbc.JdbcDbs;
import dev.cadre.model.Model;
import dev.cadre.openai.OpenAIChat;
import dev.cadre.openai.OpenAIResponses;
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
            CadreConfig.ExecutionConfig execution) {
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
        RunManager runManager = RunManager.builder().cancellationManager(JdbcDbs.cancellations(store)).build();
        Map<String, Model> builtModels = new LinkedHashMap<>();
        models.forEach((name, m) -> builtModels.put(name, model(m)));
        Map<String, Component<?>> byId = new LinkedHashMap<>();
        List<Agent> builtAgents = new ArrayList<>();
        for (CadreConfig.AgentConfig a : agents) {
            Agent.Builder b = Agent.builder().id(a.id()).name(a.name()).model(builtModels.get(a.model()))
                    .db(store).runManager(runManager);
            a.role().ifPresent(b::role);
            a.description().ifPresent(b::description);
            b.enableUserMemories(a.memories().enableUserMemories()).addMemoriesToContext(a.memories()
                    .addMemoriesToContext());
            if (!a.instructions().isEmpty()) {
                b.instructions(a.instructions().toArray(String[]::new));
            }
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
            b.enableUserMemories(t.memories().enableUserMemories()).addMemoriesToContext(t.memories()
                    .addMemoriesToContext());
            if (!t.instructions().isEmpty()) {
                b.instructions(t.instructions().toArray(String[]::new));
            }
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
            try {
                durable = Optional.of(b.build());
            } catch (RuntimeException e) {
                store.close();
                throw e;
            }
        }
        return new CadreConfig.Components(store, runManager, List.copyOf(builtAgents), List.copyOf(builtTeams),
                durable);
    }

    private static Model model(CadreConfig.ModelConfig m) {
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
