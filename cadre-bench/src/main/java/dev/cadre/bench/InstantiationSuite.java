package dev.cadre.bench;

import dev.cadre.model.Model;
import dev.cadre.openai.OpenAIChat;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * 1. Instantiation: time and allocation per {@code build()} (JMH, average time and the GC profiler's
 * bytes per operation), and heap retained per live Agent and Team (many instances held, heap
 * measured after full collections).
 *
 * <p>Baselines are Agno's published Python figures (Apple M4, not this machine): 3 µs and 6.6 KiB
 * (tracemalloc peak, i.e. allocation) per agent from its README, 3.57 KiB retained per live agent and
 * 16.2 µs per 3-member team from its v3 performance suite. They are anchors, not a same-machine run.
 */
final class InstantiationSuite implements Suite {

    private static final double AGNO_AGENT_US = 3.0;
    private static final double AGNO_AGENT_ALLOC_B = 6.6 * 1024;
    private static final double AGNO_AGENT_RETAINED_B = 3.57 * 1024;
    private static final double AGNO_TEAM_US = 16.2;
    private static final double AGNO_TEAM_ALLOC_B = 16.5 * 1024;

    @Override
    public String name() {
        return "instantiation";
    }

    @Override
    public String title() {
        return "1. Instantiation: Agent and 2-member Team";
    }

    @Override
    public List<Result> run(Config c) throws Exception {
        List<Result> out = new ArrayList<>();
        Options opts = new OptionsBuilder().include(InstantiationJmh.class.getName() + "\\.")
                .forks(c.jmhForks()).warmupIterations(c.jmhWarmups()).measurementIterations(c.jmhIterations())
                .warmupTime(TimeValue.milliseconds((long) (c.jmhSeconds() * 1000)))
                .measurementTime(TimeValue.milliseconds((long) (c.jmhSeconds() * 1000)))
                .jvmArgs("-Xms1g", "-Xmx1g").addProfiler(GCProfiler.class).shouldFailOnError(true).build();
        Collection<RunResult> results = new Runner(opts).run();
        for (RunResult r : results) {
            String method = r.getParams().getBenchmark().replaceAll(".*\\.", "");
            double ns = r.getPrimaryResult().getScore();
            double alloc = r.getSecondaryResults().get("gc.alloc.rate.norm").getScore();
            long n = r.getPrimaryResult().getStatistics().getN();
            boolean agent = method.equals("agent");
            String what = agent ? "Agent build" : "Team build (2 members built too)";
            out.add(Result.of(name(), what + ": time", ns / 1_000, agent ? AGNO_AGENT_US : AGNO_TEAM_US,
                    agent ? "Agno README (Python, M4)" : "Agno v3 Team of 3 (Python, M4 Max)", "µs/op", n,
                    "JMH average time, " + c.jmhForks() + " fork(s) × " + c.jmhIterations() + " iterations"));
            out.add(Result.of(name(), what + ": allocated", alloc, agent ? AGNO_AGENT_ALLOC_B : AGNO_TEAM_ALLOC_B,
                    agent ? "Agno README tracemalloc peak" : "Agno v3 tracemalloc peak", "B/op", n,
                    "JMH gc.alloc.rate.norm"));
        }
        Model model = OpenAIChat.builder().id("gpt-4o-mini").apiKey("sk-test").baseUrl("http://127.0.0.1:9/v1").build();
        int n = c.heapInstances();
        out.add(Result.of(name(), "Agent retained heap", retained(n, () -> InstantiationJmh.agent(model)),
                AGNO_AGENT_RETAINED_B, "Agno v3 memory_per_agent", "B/instance", n,
                "(heap after GC with N live − before) / N; the model is shared"));
        int teams = Math.max(1, n / 4);
        out.add(Result.of(name(), "Team retained heap (incl. its 2 members)",
                retained(teams, () -> InstantiationJmh.team(model)), Double.NaN, "none published", "B/instance",
                teams, "(heap after GC with N live − before) / N; the model is shared"));
        return out;
    }

    /** Heap retained per instance: hold {@code n} alive, compare settled heaps. */
    static double retained(int n, Supplier<Object> make) {
        for (int i = 0; i < 1_000; i++) {
            make.get(); // load and initialise every class the builders touch before the "before" heap
        }
        Object[] live = new Object[n];
        long before = Machine.settledHeapBytes();
        for (int i = 0; i < n; i++) {
            live[i] = make.get();
        }
        long after = Machine.settledHeapBytes();
        double perInstance = (after - before) / (double) n;
        if (live[n - 1] == null) {
            throw new AssertionError("unreachable: keeps the instances alive until here");
        }
        return perInstance;
    }
}
