package dev.cadre.internal;

import dev.cadre.TeamMode;
import dev.cadre.model.Model;
import dev.cadre.run.RunListener;
import dev.cadre.tool.Tool;
import java.util.List;
import java.util.Optional;

/** The immutable definition of an agent or team, as the engine runs it. */
public sealed interface Spec permits Spec.AgentSpec, Spec.TeamSpec {

    String id();

    String name();

    Optional<Model> model();

    Optional<String> description();

    List<String> instructions();

    List<Tool> tools();

    Settings settings();

    /**
     * Behaviour switches shared by agents and teams.
     *
     * @param listeners the component's own listeners (they observe its members' runs too)
     * @param memory the component's user memories
     */
    record Settings(boolean addHistoryToContext, int historyRuns, int maxToolRounds, List<RunListener> listeners,
            MemorySettings memory) {
    }

    record AgentSpec(String id, String name, Optional<Model> model, Optional<String> role,
            Optional<String> description, List<String> instructions, List<Tool> tools, Settings settings)
            implements Spec {
    }

    record TeamSpec(String id, String name, Optional<Model> model, Optional<String> description,
            List<String> instructions, List<Spec> members, TeamMode mode, List<Tool> tools, Settings settings)
            implements Spec {
    }
}
