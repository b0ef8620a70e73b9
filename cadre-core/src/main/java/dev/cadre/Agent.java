package dev.cadre;

import dev.cadre.internal.Spec;
import dev.cadre.model.Model;
import dev.cadre.run.RunOutput;
import dev.cadre.store.Store;
import dev.cadre.tool.Tool;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A model with a role, instructions and tools, that answers one input per run — on its own, or as a
 * member of a {@link Team}.
 *
 * <pre>{@code
 * Agent researcher = Agent.builder()
 *         .name("Researcher")
 *         .model(OpenAIResponses.of("gpt-5.2-mini"))
 *         .role("Research topics and provide factual information.")
 *         .build();
 * RunOutput out = researcher.run("What is entropy?");
 * }</pre>
 *
 * <p>Immutable and thread-safe. See {@link Component} for the run methods.
 */
public final class Agent extends BaseComponent<RunOutput> implements Component<RunOutput> {

    private final Spec.AgentSpec spec;

    private Agent(Builder b, Spec.AgentSpec spec) {
        super(RunOutput.class, Optional.ofNullable(b.db), b.runManager);
        this.spec = spec;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    Spec.AgentSpec spec() {
        return spec;
    }

    public Optional<String> role() {
        return spec.role();
    }

    public Optional<String> description() {
        return spec.description();
    }

    public List<String> instructions() {
        return spec.instructions();
    }

    public List<Tool> tools() {
        return spec.tools();
    }

    /** Builds an {@link Agent}. Not thread-safe. */
    public static final class Builder {
        private String id;
        private String name;
        private Model model;
        private String role;
        private String description;
        private final List<String> instructions = new ArrayList<>();
        private final List<Tool> tools = new ArrayList<>();
        private Store db;
        private RunManager runManager = RunManager.global();
        private boolean addHistory;
        private int historyRuns = 3;
        private int maxToolRounds = 10;

        private Builder() {
        }

        /** Defaults to the name made url-safe ("Researcher" → "researcher"). */
        public Builder id(String id) {
            this.id = id;
            return this;
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** Required to run on its own; as a team member an agent without a model uses the team's. */
        public Builder model(Model model) {
            this.model = Objects.requireNonNull(model, "model");
            return this;
        }

        /** What the agent does in a team; also shown to the team's leader. */
        public Builder role(String role) {
            this.role = role;
            return this;
        }

        public Builder description(String description) {
            this.description = description;
            return this;
        }

        public Builder instructions(String... instructions) {
            this.instructions.addAll(Arrays.asList(instructions));
            return this;
        }

        public Builder tools(Tool... tools) {
            this.tools.addAll(Arrays.asList(tools));
            return this;
        }

        public Builder tools(List<? extends Tool> tools) {
            this.tools.addAll(tools);
            return this;
        }

        /** Where runs are kept; needed for background runs and history. Members use their team's. */
        public Builder db(Store db) {
            this.db = Objects.requireNonNull(db, "db");
            return this;
        }

        public Builder runManager(RunManager runManager) {
            this.runManager = Objects.requireNonNull(runManager, "runManager");
            return this;
        }

        /**
         * Adds the last {@link #numHistoryRuns} runs of the session to the model's context (needs a
         * db). A cancelled run's partial answer is included, marked as interrupted.
         */
        public Builder addHistoryToContext(boolean add) {
            this.addHistory = add;
            return this;
        }

        public Builder numHistoryRuns(int runs) {
            if (runs < 1) {
                throw new IllegalArgumentException("numHistoryRuns must be 1 or more");
            }
            this.historyRuns = runs;
            return this;
        }

        /** How many rounds of tool calls one run may make before it fails (default 10). */
        public Builder maxToolRounds(int rounds) {
            if (rounds < 1) {
                throw new IllegalArgumentException("maxToolRounds must be 1 or more");
            }
            this.maxToolRounds = rounds;
            return this;
        }

        /**
         * @throws IllegalStateException when the name is missing, or history is asked for without a db
         * @throws IllegalArgumentException when two tools have the same name
         */
        public Agent build() {
            String n = requireName(name, "An agent");
            if (addHistory && db == null) {
                throw new IllegalStateException("addHistoryToContext needs a db to read earlier runs from: call db(...)");
            }
            checkUniqueToolNames(tools, n);
            Spec.AgentSpec spec = new Spec.AgentSpec(id != null ? id : urlSafe(n), n, Optional.ofNullable(model),
                    Optional.ofNullable(role), Optional.ofNullable(description), List.copyOf(instructions),
                    List.copyOf(tools), new Spec.Settings(addHistory, historyRuns, maxToolRounds));
            return new Agent(this, spec);
        }
    }

    static void checkUniqueToolNames(List<Tool> tools, String owner) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (Tool t : tools) {
            if (!seen.add(t.name())) {
                throw new IllegalArgumentException(owner + " has two tools named '" + t.name() + "'");
            }
        }
    }
}
