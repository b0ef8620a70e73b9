package dev.cadre.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.Agent;
import dev.cadre.RunManager;
import dev.cadre.db.InMemoryDb;
import dev.cadre.model.ModelException;
import dev.cadre.model.Usage;
import dev.cadre.run.Run;
import dev.cadre.run.RunOutput;
import dev.cadre.run.RunStatus;
import dev.cadre.testkit.ScriptedModel;
import dev.cadre.testkit.ScriptedModel.Reply;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Many runs at once, on several threads: every count is exact and nothing is kept once they have ended. */
class ConcurrentRunsTest {

    private static final int RUNS = 200;
    private static final int CANCELLED = 50;
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final CadreMetrics metrics = CadreMetrics.create(registry);
    private final Ends ends = new Ends(RUNS + CANCELLED);
    private final RunManager runs = RunManager.builder().listener(metrics).listener(ends).build();
    private final InMemoryDb db = new InMemoryDb();

    @AfterEach
    void shutDown() {
        runs.shutdown(Duration.ZERO);
    }

    private double count(String name, String... tags) {
        return registry.get(name).tags(tags).counter().count();
    }

    @Test
    void runsThatCompleteFailOrAreCancelledAtOnceAreEachCountedOnce() throws Exception {
        metrics.bind(runs);
        // Every fourth run's model fails; the others answer with 3 input and 2 output tokens.
        ScriptedModel answering = ScriptedModel.replying(request -> ScriptedModel.lastUserMessage(request)
                .startsWith("fail") ? Reply.error(new ModelException("down")) : Reply.text("ok")
                .usage(new Usage(3, 2, 5, 0, 0)));
        Agent agent = Agent.builder().name("A").model(answering).db(db).runManager(runs).build();
        ScriptedModel stalling = ScriptedModel.replying(request -> Reply.stall());
        Agent stuck = Agent.builder().name("Stuck").model(stalling).db(db).runManager(runs).build();

        List<Future<RunOutput>> done = new ArrayList<>();
        List<Future<Run<RunOutput>>> started = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < RUNS; i++) {
                String message = (i % 4 == 0 ? "fail " : "go ") + i;
                done.add(threads.submit(() -> agent.run(message)));
            }
            for (int i = 0; i < CANCELLED; i++) {
                started.add(threads.submit(() -> stuck.start("wait")));
            }
            assertThat(stalling.awaitCalls(CANCELLED, WAIT)).isTrue();
            assertThat(registry.get("cadre.runs.in_flight").gauge().value()).isGreaterThanOrEqualTo(CANCELLED);
            for (Future<Run<RunOutput>> f : started) {
                threads.submit(() -> f.get().cancel());
            }
        }
        for (Future<RunOutput> f : done) {
            assertThat(f.get().status()).isIn(RunStatus.COMPLETED, RunStatus.ERROR);
        }
        assertThat(ends.await(WAIT)).isTrue();

        assertThat(count("cadre.runs.started", "component", "A", "team", "false")).isEqualTo(RUNS);
        assertThat(count("cadre.runs.ended", "component", "A", "status", "COMPLETED")).isEqualTo(RUNS * 3 / 4);
        assertThat(count("cadre.runs.ended", "component", "A", "status", "ERROR")).isEqualTo(RUNS / 4);
        assertThat(count("cadre.runs.ended", "component", "Stuck", "status", "CANCELLED")).isEqualTo(CANCELLED);
        assertThat(registry.get("cadre.cancel.latency").tags("component", "Stuck").timer().count())
                .isEqualTo(CANCELLED);
        assertThat(registry.get("cadre.run.duration").tags("component", "A").timers().stream()
                .mapToLong(t -> t.count()).sum()).isEqualTo(RUNS);
        assertThat(count("cadre.model.requests", "model", "scripted", "outcome", "ok")).isEqualTo(RUNS * 3 / 4);
        assertThat(count("cadre.model.requests", "model", "scripted", "outcome", "error")).isEqualTo(RUNS / 4);
        assertThat(count("cadre.model.requests", "model", "scripted", "outcome", "aborted")).isEqualTo(CANCELLED);
        assertThat(count("cadre.tokens", "type", "input")).isEqualTo(3 * RUNS * 3 / 4);
        assertThat(count("cadre.tokens", "type", "output")).isEqualTo(2 * RUNS * 3 / 4);

        assertThat(metrics.meters().trackedRuns()).isZero();
        assertThat(registry.get("cadre.runs.in_flight").gauge().value()).isZero();
    }
}
