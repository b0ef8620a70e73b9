package dev.cadre.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.Agent;
import dev.cadre.RunManager;
import dev.cadre.db.InMemoryDb;
import dev.cadre.run.RunOutput;
import dev.cadre.testkit.ScriptedModel;
import dev.cadre.testkit.ScriptedModel.Reply;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link CadreMetrics#bind}: the in-flight and queued gauges read the run managers. */
class GaugesTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final InMemoryDb db = new InMemoryDb();

    private double gauge(String name) {
        return registry.get(name).gauge().value();
    }

    @Test
    void theGaugesShowRunsHeldInTheirModelAndRunsWaitingForASlot() throws Exception {
        CadreMetrics metrics = CadreMetrics.create(registry);
        Ends firstEnded = new Ends(1);
        Ends twoEnded = new Ends(2);
        Ends allEnded = new Ends(3);
        RunManager runs = RunManager.builder().maxBackgroundRuns(1).listener(metrics).listener(firstEnded)
                .listener(twoEnded).listener(allEnded).build();
        assertThat(metrics.bind(runs)).isSameAs(metrics);
        ScriptedModel model = ScriptedModel.of(Reply.stall(), Reply.stall(), Reply.stall());
        Agent agent = Agent.builder().name("A").model(model).db(db).runManager(runs).build();
        assertThat(gauge("cadre.runs.in_flight")).isZero();
        assertThat(gauge("cadre.runs.queued")).isZero();

        RunOutput first = agent.runInBackground("one");
        assertThat(model.awaitCalls(1, WAIT)).isTrue();
        Map<String, String> waiting = Map.of("two", agent.runInBackground("two").runId(),
                "three", agent.runInBackground("three").runId());

        assertThat(gauge("cadre.runs.in_flight")).isEqualTo(1);
        assertThat(gauge("cadre.runs.queued")).isEqualTo(2);

        runs.cancel(first.runId());
        assertThat(firstEnded.await(WAIT)).isTrue();
        assertThat(model.awaitCalls(2, WAIT)).isTrue(); // one of the waiting runs got the slot
        assertThat(gauge("cadre.runs.in_flight")).isEqualTo(1);
        assertThat(gauge("cadre.runs.queued")).isEqualTo(1);

        // Cancel the one running (a run cancelled while it waits ends without starting: listeners never hear it).
        String running = ScriptedModel.lastUserMessage(model.requests().get(1));
        runs.cancel(waiting.get(running));
        assertThat(twoEnded.await(WAIT)).isTrue();
        assertThat(model.awaitCalls(3, WAIT)).isTrue();
        assertThat(gauge("cadre.runs.in_flight")).isEqualTo(1);
        assertThat(gauge("cadre.runs.queued")).isZero();

        runs.cancel(waiting.get(running.equals("two") ? "three" : "two"));
        assertThat(allEnded.await(WAIT)).isTrue();
        assertThat(gauge("cadre.runs.in_flight")).isZero();
        assertThat(gauge("cadre.runs.queued")).isZero();
        assertThat(metrics.meters().trackedRuns()).isZero();
        assertThat(registry.get("cadre.runs.ended").tags("status", "CANCELLED").counter().count()).isEqualTo(3);
        assertThat(registry.get("cadre.cancel.latency").timer().count()).isEqualTo(3);
        runs.shutdown(Duration.ZERO);
    }

    @Test
    void twoBoundManagersAddUpAndAManagerBoundTwiceCountsOnce() throws Exception {
        CadreMetrics metrics = CadreMetrics.create(registry);
        RunManager a = RunManager.builder().listener(metrics).build();
        RunManager b = RunManager.builder().listener(metrics).build();
        metrics.bind(a).bind(b).bind(a);
        ScriptedModel onA = ScriptedModel.of(Reply.stall());
        ScriptedModel onB = ScriptedModel.of(Reply.stall());
        var runA = Agent.builder().name("A").model(onA).db(db).runManager(a).build().start("go");
        var runB = Agent.builder().name("B").model(onB).db(db).runManager(b).build().start("go");
        assertThat(onA.awaitCalls(1, WAIT)).isTrue();
        assertThat(onB.awaitCalls(1, WAIT)).isTrue();

        assertThat(gauge("cadre.runs.in_flight")).isEqualTo(2);
        assertThat(registry.find("cadre.runs.in_flight").gauges()).hasSize(1);

        runA.cancel();
        runB.cancel();
        a.shutdown(Duration.ZERO);
        b.shutdown(Duration.ZERO);
    }
}
