package dev.cadre.internal;

import dev.cadre.TeamMode;
import dev.cadre.model.Model;
import dev.cadre.model.OutputSchema;
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
     * @param outputSchema the shape of its final answer, when it must be JSON
     * @param outputType the record its answer is read as, when the schema was made from one
     * @param memory the component's user memories
     */
    record Settings(boolean addHistoryToContext, int historyRuns, int maxToolRounds, List<RunListener> listeners,
            Optional<OutputSchema> outputSchema, Optional<Class<?>> outputType, MemorySettings memory) {
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
