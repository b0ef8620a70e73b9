package dev.cadre;

import dev.cadre.internal.Spec;
import dev.cadre.model.Model;
import dev.cadre.run.TeamRunOutput;
import dev.cadre.store.Store;
import dev.cadre.tool.Tool;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A leader model that delegates to members — agents or nested teams — through tool calls.
 *
 * <pre>{@code
 * Team team = Team.builder()
 *         .name("ResearchTeam")
 *         .model(OpenAIResponses.of("gpt-5.2-mini"))
 *         .members(researcher, writer)
 *         .instructions("First, have the researcher gather key facts.",
 *                       "Then, have the writer create a concise summary.")
 *         .db(SqliteDb.file("cadre.db"))
 *         .build();
 * TeamRunOutput out = team.run("What are the three laws of thermodynamics?");
 * }</pre>
 *
 * <p>The leader gets a tool {@code delegate_task_to_member(member_id, task)} whose {@code member_id}
 * is an enum of the member ids ({@link TeamMode#COORDINATE}, {@link TeamMode#ROUTE}), or
 * {@code delegate_task_to_members(task)} ({@link TeamMode#BROADCAST}). Each delegation is a run of
 * the member in the team's session, with the team run as its parent; member runs are kept in the
 * team's store and in {@link TeamRunOutput#memberResponses()}, and their events are part of the
 * team's stream. Cancelling the team run cancels its members.
 *
 * <p>Immutable and thread-safe. See {@link Component} for the run methods.
 */
public final class Team extends BaseComponent<TeamRunOutput> implements Component<TeamRunOutput> {

    private final Spec.TeamSpec spec;
    private final List<Component<?>> members;

    private Team(Builder b, Spec.TeamSpec spec) {
        super(TeamRunOutput.class, Optional.ofNullable(b.db), b.runManager);
        this.spec = spec;
        this.members = List.copyOf(b.members);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    Spec.TeamSpec spec() {
        return spec;
    }

    public List<Component<?>> members() {
        return members;
    }

    public TeamMode mode() {
        return spec.mode();
    }

    public Optional<String> description() {
        return spec.description();
    }

    public List<String> instructions() {
        return spec.instructions();
    }

    /** Builds a {@link Team}. Not thread-safe. */
    public static final class Builder {
        private String id;
        private String name;
        private Model model;
        private String description;
        private final List<String> instructions = new ArrayList<>();
        private final List<Component<?>> members = new ArrayList<>();
        private final List<Tool> tools = new ArrayList<>();
        private TeamMode mode = TeamMode.COORDINATE;
        private Store db;
        private RunManager runManager = RunManager.global();
        private boolean addHistory;
        private int historyRuns = 3;
        private int maxToolRounds = 10;

        private Builder() {
        }

        /** Defaults to the name made url-safe ("Storytelling Team" → "storytelling-team"). */
        public Builder id(String id) {
            this.id = id;
            return this;
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** The leader's model; members without a model of their own use it too. */
        public Builder model(Model model) {
            this.model = Objects.requireNonNull(model, "model");
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

        public Builder members(Component<?>... members) {
            this.members.addAll(Arrays.asList(members));
            return this;
        }

        public Builder members(List<? extends Component<?>> members) {
            this.members.addAll(members);
            return this;
        }

        public Builder mode(TeamMode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** Tools of the leader itself, besides delegation. */
        public Builder tools(Tool... tools) {
            this.tools.addAll(Arrays.asList(tools));
            return this;
        }

        /** Where the team's runs and its members' runs are kept; needed for background runs and history. */
        public Builder db(Store db) {
            this.db = Objects.requireNonNull(db, "db");
            return this;
        }

        public Builder runManager(RunManager runManager) {
            this.runManager = Objects.requireNonNull(runManager, "runManager");
            return this;
        }

        /** Adds the last runs of the session to the leader's context (needs a db); see {@link Agent.Builder#addHistoryToContext}. */
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

        /** How many rounds of tool calls (delegations included) one run may make (default 10). */
        public Builder maxToolRounds(int rounds) {
            if (rounds < 1) {
                throw new IllegalArgumentException("maxToolRounds must be 1 or more");
            }
            this.maxToolRounds = rounds;
            return this;
        }

        /**
         * @throws IllegalStateException when the name is missing, or history is asked for without a db
         * @throws IllegalArgumentException when two members have the same id, or a tool clashes with
         *     the delegation tool
         */
        public Team build() {
            String n = BaseComponent.requireName(name, "A team");
            if (addHistory && db == null) {
                throw new IllegalStateException("addHistoryToContext needs a db to read earlier runs from: call db(...)");
            }
            Set<String> ids = new HashSet<>();
            List<Spec> memberSpecs = new ArrayList<>();
            for (Component<?> m : members) {
                Spec s = ((BaseComponent<?>) m).spec();
                if (!ids.add(s.id())) {
                    throw new IllegalArgumentException("Team " + n + " has two members with id '" + s.id()
                            + "': give them distinct ids or names");
                }
                memberSpecs.add(withModel(s, model));
            }
            for (Tool t : tools) {
                if (t.name().startsWith("delegate_task_to_member")) {
                    throw new IllegalArgumentException("The tool name '" + t.name() + "' is reserved for delegation");
                }
            }
            Agent.checkUniqueToolNames(tools, n);
            Spec.TeamSpec spec = new Spec.TeamSpec(id != null ? id : BaseComponent.urlSafe(n), n,
                    Optional.ofNullable(model), Optional.ofNullable(description), List.copyOf(instructions),
                    List.copyOf(memberSpecs), mode, List.copyOf(tools),
                    new Spec.Settings(addHistory, historyRuns, maxToolRounds));
            return new Team(this, spec);
        }

        /** Members without a model of their own use the leader's, as in Agno. */
        private static Spec withModel(Spec s, Model leaderModel) {
            if (s.model().isPresent() || leaderModel == null) {
                return s;
            }
            return switch (s) {
                case Spec.AgentSpec a -> new Spec.AgentSpec(a.id(), a.name(), Optional.of(leaderModel), a.role(),
                        a.description(), a.instructions(), a.tools(), a.settings());
                case Spec.TeamSpec t -> new Spec.TeamSpec(t.id(), t.name(), Optional.of(leaderModel), t.description(),
                        t.instructions(), t.members(), t.mode(), t.tools(), t.settings());
            };
        }
    }
}
