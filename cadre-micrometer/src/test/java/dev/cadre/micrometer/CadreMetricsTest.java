package dev.cadre.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.Agent;
import dev.cadre.RunManager;
import dev.cadre.Team;
import dev.cadre.db.InMemoryDb;
import dev.cadre.model.ModelException;
import dev.cadre.model.Usage;
import dev.cadre.run.Run;
import dev.cadre.run.RunOutput;
import dev.cadre.run.RunStatus;
import dev.cadre.run.TeamRunOutput;
import dev.cadre.testkit.ScriptedModel;
import dev.cadre.testkit.ScriptedModel.Reply;
import dev.cadre.tool.FunctionTool;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link CadreMetrics}: the meters of agent and team runs, cancels and failures. */
class CadreMetricsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final CadreMetrics metrics = CadreMetrics.create(registry);
    private final InMemoryDb db = new InMemoryDb();
    private RunManager runs;

    @AfterEach
    void shutDown() {
        runs.shutdown(Duration.ZERO);
        registry.close();
    }

    private RunManager manager(Ends ends) {
        runs = RunManager.builder().listener(metrics).listener(ends).build();
        return runs;
    }

    private double count(String name, String... tags) {
        return registry.get(name).tags(tags).counter().count();
    }

    private long timed(String name, String... tags) {
        return registry.get(name).tags(tags).timer().count();
    }

    @Test
    void aTeamRunWithADelegationAndAToolCallCountsAndTimesEachPart() throws Exception {
        Ends ends = new Ends(2);
        Agent researcher = Agent.builder().name("Researcher")
                .model(ScriptedModel.named("member", Reply.toolCall("lookup", "{\"q\":\"laws\"}")
                        .usage(new Usage(7, 2, 9, 0, 0)), Reply.text("facts").usage(new Usage(12, 5, 17, 0, 0))))
                .tools(FunctionTool.of("lookup", "looks things up", ctx -> "three laws"))
                .build();
        Team team = Team.builder().name("Team")
                .model(ScriptedModel.named("leader", Reply.toolCall("delegate_task_to_member",
                        "{\"member_id\":\"researcher\",\"task\":\"find\"}"), Reply.text("done")))
                .members(researcher).db(db).runManager(manager(ends)).build();

        TeamRunOutput out = team.run("go");
        assertThat(ends.await(WAIT)).isTrue();

        assertThat(out.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(count("cadre.runs.started", "component", "Team", "team", "true")).isEqualTo(1);
        assertThat(count("cadre.runs.started", "component", "Researcher", "team", "false")).isEqualTo(1);
        assertThat(count("cadre.runs.ended", "component", "Team", "team", "true", "status", "COMPLETED")).isEqualTo(1);
        assertThat(count("cadre.runs.ended", "component", "Researcher", "team", "false", "status", "COMPLETED"))
                .isEqualTo(1);
        assertThat(timed("cadre.run.duration", "component", "Team", "status", "COMPLETED")).isEqualTo(1);
        assertThat(timed("cadre.run.duration", "component", "Researcher", "status", "COMPLETED")).isEqualTo(1);

        assertThat(count("cadre.model.requests", "model", "leader", "provider", "Scripted", "outcome", "ok"))
                .isEqualTo(2);
        assertThat(count("cadre.model.requests", "model", "member", "provider", "Scripted", "outcome", "ok"))
                .isEqualTo(2);
        assertThat(timed("cadre.model.request.duration", "model", "member", "outcome", "ok")).isEqualTo(2);
        assertThat(timed("cadre.model.time_to_first_token", "model", "member", "provider", "Scripted")).isEqualTo(2);
        assertThat(count("cadre.tokens", "model", "member", "type", "input")).isEqualTo(19);
        assertThat(count("cadre.tokens", "model", "member", "type", "output")).isEqualTo(7);

        assertThat(timed("cadre.tool.calls", "tool", "lookup", "outcome", "ok")).isEqualTo(1);
        assertThat(timed("cadre.tool.calls", "tool", "delegate_task_to_member", "outcome", "ok")).isEqualTo(1);
        assertThat(count("cadre.delegations", "component", "Team", "member", "Researcher", "status", "COMPLETED"))
                .isEqualTo(1);
        assertThat(registry.find("cadre.cancel.latency").timers()).isEmpty();
        assertThat(metrics.meters().trackedRuns()).isZero();
    }

    @Test
    void noMeterIsTaggedWithARunSessionOrUserId() throws Exception {
        Ends ends = new Ends(1);
        Agent agent = Agent.builder().name("A").model(ScriptedModel.of(Reply.text("hi").usage(new Usage(1, 1, 2, 0, 0))))
                .db(db).runManager(manager(ends)).build();

        RunOutput out = agent.run(dev.cadre.run.RunRequest.builder("go").userId("user-1").build());
        assertThat(ends.await(WAIT)).isTrue();

        assertThat(registry.getMeters()).isNotEmpty().allSatisfy(m -> assertThat(m.getId().getTags())
                .noneMatch(t -> t.getValue().equals(out.runId()) || t.getValue().equals(out.sessionId())
                        || t.getValue().equals("user-1")));
        assertThat(registry.getMeters()).extracting(Meter::getId).extracting(id -> id.getName())
                .allMatch(name -> name.startsWith("cadre."));
    }

    @Test
    void aCancelledRunCountsCancelledAndRecordsItsCancelLatency() throws Exception {
        Ends ends = new Ends(1);
        ScriptedModel model = ScriptedModel.named("stuck", Reply.stall());
        Agent agent = Agent.builder().name("A").model(model).db(db).runManager(manager(ends)).build();
        Run<RunOutput> run = agent.start("go");
        assertThat(model.awaitCalls(1, WAIT)).isTrue();

        run.cancel();
        assertThat(run.await().status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(ends.await(WAIT)).isTrue();

        assertThat(count("cadre.runs.ended", "component", "A", "team", "false", "status", "CANCELLED")).isEqualTo(1);
        assertThat(registry.find("cadre.runs.ended").tag("status", "COMPLETED").counters()).isEmpty();
        assertThat(timed("cadre.run.duration", "component", "A", "status", "CANCELLED")).isEqualTo(1);
        var latency = registry.get("cadre.cancel.latency").tags("component", "A").timer();
        assertThat(latency.count()).isEqualTo(1);
        assertThat(latency.totalTime(TimeUnit.NANOSECONDS)).isPositive()
                .isLessThanOrEqualTo(registry.get("cadre.run.duration").timer().totalTime(TimeUnit.NANOSECONDS));
        assertThat(count("cadre.model.requests", "model", "stuck", "outcome", "aborted")).isEqualTo(1);
        assertThat(registry.find("cadre.tokens").counters()).isEmpty();
        assertThat(metrics.meters().trackedRuns()).isZero();
    }

    @Test
    void aFailedModelRequestCountsAnErrorAndAnErroredRun() throws Exception {
        Ends ends = new Ends(1);
        Agent agent = Agent.builder().name("A")
                .model(ScriptedModel.named("broken", Reply.error(new ModelException("The provider is down"))))
                .db(db).runManager(manager(ends)).build();

        RunOutput out = agent.run("go");
        assertThat(ends.await(WAIT)).isTrue();

        assertThat(out.status()).isEqualTo(RunStatus.ERROR);
        assertThat(count("cadre.model.requests", "model", "broken", "provider", "Scripted", "outcome", "error"))
                .isEqualTo(1);
        assertThat(timed("cadre.model.request.duration", "model", "broken", "outcome", "error")).isEqualTo(1);
        assertThat(count("cadre.runs.ended", "component", "A", "team", "false", "status", "ERROR")).isEqualTo(1);
        assertThat(timed("cadre.run.duration", "component", "A", "status", "ERROR")).isEqualTo(1);
        assertThat(registry.find("cadre.cancel.latency").timers()).isEmpty();
        assertThat(metrics.meters().trackedRuns()).isZero();
    }

    @Test
    void aFailedToolCallIsTimedWithTheErrorOutcome() throws Exception {
        Ends ends = new Ends(1);
        Agent agent = Agent.builder().name("A")
                .model(ScriptedModel.of(Reply.toolCall("flaky", "{}"), Reply.text("sorry")))
                .tools(FunctionTool.of("flaky", "fails", ctx -> {
                    throw new IllegalStateException("no luck");
                }))
                .db(db).runManager(manager(ends)).build();

        agent.run("go");
        assertThat(ends.await(WAIT)).isTrue();

        assertThat(timed("cadre.tool.calls", "tool", "flaky", "outcome", "error")).isEqualTo(1);
    }
}
