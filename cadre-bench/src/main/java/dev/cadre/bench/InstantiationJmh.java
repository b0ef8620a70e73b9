package dev.cadre.bench;

import dev.cadre.Agent;
import dev.cadre.Team;
import dev.cadre.model.Model;
import dev.cadre.openai.OpenAIChat;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Building an agent and a team, as a user's code does: the model is made once and shared (models
 * are thread-safe and hold the HTTP client), everything else is built in the timed call. The team's
 * two members are built inside the call too, so its figure is the whole team.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class InstantiationJmh {

    static final String ROLE = "Research topics and provide factual information.";

    // Never called: building a model does not connect.
    private final Model model = OpenAIChat.builder().id("gpt-4o-mini").apiKey("sk-test")
            .baseUrl("http://127.0.0.1:9/v1").build();

    @Benchmark
    public Agent agent() {
        return agent(model);
    }

    @Benchmark
    public Team team() {
        return team(model);
    }

    static Agent agent(Model model) {
        return Agent.builder().name("Researcher").model(model).role(ROLE).build();
    }

    static Team team(Model model) {
        Agent researcher = Agent.builder().name("Researcher").model(model).role(ROLE).build();
        Agent writer = Agent.builder().name("Writer").model(model).role("Write clear and concise summaries.").build();
        return Team.builder().name("Research Team").model(model).members(researcher, writer)
                .instructions("First, have the researcher gather key facts.",
                        "Then, have the writer create a concise summary.")
                .build();
    }
}
