package dev.cadre;

import dev.cadre.internal.Spec;
import dev.cadre.run.RunOutput;
import dev.cadre.tool.Tool;
import java.util.List;
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

    /** Builds an {@link Agent}. Not thread-safe. See {@link ComponentBuilder} for the shared options. */
    public static final class Builder extends ComponentBuilder<Builder> {
        private String role;

        private Builder() {
        }

        /** What the agent does in a team; also shown to the team's leader. */
        public Builder role(String role) {
            this.role = role;
            return this;
        }

        /**
         * @throws IllegalStateException when the name is missing, or history is asked for without a db
         * @throws IllegalArgumentException when two tools have the same name
         */
        public Agent build() {
            Common c = common("An agent");
            return new Agent(this, new Spec.AgentSpec(c.id(), c.name(), c.model(), Optional.ofNullable(role),
                    c.description(), c.instructions(), c.tools(), c.settings()));
        }
    }
}
