package dev.cadre.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.Agent;
import dev.cadre.RunManager;
import dev.cadre.Team;
import dev.cadre.db.InMemoryDb;
import dev.cadre.run.Run;
import dev.cadre.run.RunOutput;
import dev.cadre.run.TeamRunOutput;
import dev.cadre.testkit.ScriptedModel;
import dev.cadre.testkit.ScriptedModel.Reply;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link CadreTracing#contextPropagation()} as the manager's task wrapper: runs of every kind hang under the span
 * their caller had current, although they run on the manager's threads.
 */
@SuppressWarnings("try") // a Scope is held for its effect on the current context
class CallerContextTest {

    private final Tracing otel = new Tracing();
    private final InMemoryDb db = new InMemoryDb();
    private final RunManager runs = RunManager.builder().listener(otel.listener)
            .taskWrapper(CadreTracing.contextPropagation()).build();
    private final Span caller = otel.provider.get("caller").spanBuilder("handle request").startSpan();

    @AfterEach
    void shutDown() {
        caller.end();
        runs.shutdown(Duration.ZERO);
        otel.close();
    }

    private Agent agent() {
        return Agent.builder().name("A").model(ScriptedModel.named("m", Reply.text("hi"))).db(db).runManager(runs)
                .build();
    }

    private void assertChildOfCaller(SpanData span) {
        assertThat(span.getTraceId()).isEqualTo(caller.getSpanContext().getTraceId());
        assertThat(span.getParentSpanId()).isEqualTo(caller.getSpanContext().getSpanId());
    }

    @Test
    void aBlockingRunIsAChildOfTheCallersSpan() {
        try (Scope ignored = caller.makeCurrent()) {
            agent().run("go");
        }
        assertChildOfCaller(otel.named("invoke_agent A"));
    }

    @Test
    void aStartedRunIsAChildOfTheCallersSpan() throws Exception {
        Run<RunOutput> run;
        try (Scope ignored = caller.makeCurrent()) {
            run = agent().start("go");
        }
        otel.awaitEnd(run.runId());
        assertChildOfCaller(otel.named("invoke_agent A"));
    }

    @Test
    void aBackgroundRunOfTheDefaultExecutorIsAChildOfTheCallersSpan() throws Exception {
        Run<RunOutput> run;
        try (Scope ignored = caller.makeCurrent()) {
            run = agent().startInBackground("go");
        }
        otel.awaitEnd(run.runId());
        assertChildOfCaller(otel.named("invoke_agent A"));
    }

    @Test
    void aTeamsMemberRunStaysUnderItsDelegationNotTheCaller() {
        Team team = Team.builder().name("T")
                .model(ScriptedModel.named("leader", Reply.toolCall("delegate_task_to_member",
                        "{\"member_id\":\"a\",\"task\":\"t\"}"), Reply.text("done")))
                .members(agent()).db(db).runManager(runs).build();
        TeamRunOutput out;
        try (Scope ignored = caller.makeCurrent()) {
            out = team.run("go");
        }
        assertThat(out.memberResponses()).hasSize(1);
        assertChildOfCaller(otel.named("invoke_agent T"));
        assertThat(otel.named("invoke_agent A").getParentSpanId()).isEqualTo(otel.named("delegate A").getSpanId());
    }
}
