package dev.cadre;

import dev.cadre.internal.Spec;
import dev.cadre.model.Model;
import dev.cadre.run.TeamRunOutput;
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

    /** Builds a {@link Team}. Not thread-safe. See {@link ComponentBuilder} for the shared options. */
    public static final class Builder extends ComponentBuilder<Builder> {
        private final List<Component<?>> members = new ArrayList<>();
        private TeamMode mode = TeamMode.COORDINATE;

        private Builder() {
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

        /**
         * @throws IllegalStateException when the name is missing, or history is asked for without a db
         * @throws IllegalArgumentException when two members have the same id, two tools the same name,
         *     or a tool takes the delegation tool's name
         */
        public Team build() {
            Common c = common("A team");
            Set<String> ids = new HashSet<>();
            List<Spec> memberSpecs = new ArrayList<>();
            for (Component<?> m : members) {
                Spec s = ((BaseComponent<?>) m).spec();
                if (!ids.add(s.id())) {
                    throw new IllegalArgumentException("Team " + c.name() + " has two members with id '" + s.id()
                            + "': give them distinct ids or names");
                }
                memberSpecs.add(withModel(s, model));
            }
            for (Tool t : tools) {
                if (t.name().startsWith("delegate_task_to_member")) {
                    throw new IllegalArgumentException("The tool name '" + t.name() + "' is reserved for delegation");
                }
            }
            return new Team(this, new Spec.TeamSpec(c.id(), c.name(), c.model(), c.description(), c.instructions(),
                    List.copyOf(memberSpecs), mode, c.tools(), c.settings()));
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
