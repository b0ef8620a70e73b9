package dev.cadre.opentelemetry;

import static dev.cadre.opentelemetry.Tracing.attr;
import static io.opentelemetry.api.common.AttributeKey.booleanKey;
import static io.opentelemetry.api.common.AttributeKey.doubleKey;
import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;
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
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link CadreTracing}: the spans of agent and team runs, cancels and failures. */
class CadreTracingTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final Tracing otel = new Tracing();
    private final InMemoryDb db = new InMemoryDb();
    private final RunManager runs = RunManager.builder().listener(otel.listener).build();

    @AfterEach
    void shutDown() {
        runs.shutdown(Duration.ZERO);
        otel.close();
    }

    @Test
    void aTeamRunWithADelegationAndAToolCallGivesASpanTree() {
        Agent researcher = Agent.builder().name("Researcher")
                .model(ScriptedModel.named("member", Reply.toolCall("lookup", "{\"q\":\"laws\"}").usage(new Usage(7, 2, 9, 0, 0)),
                        Reply.text("facts").usage(new Usage(12, 5, 17, 0, 0))))
                .tools(FunctionTool.of("lookup", "looks things up", ctx -> "three laws"))
                .build();
        Team team = Team.builder().name("Team")
                .model(ScriptedModel.named("leader", Reply.toolCall("delegate_task_to_member",
                        "{\"member_id\":\"researcher\",\"task\":\"find\"}"), Reply.text("done")))
                .members(researcher).db(db).runManager(runs).build();

        TeamRunOutput out = team.run("go");

        SpanData teamSpan = otel.named("invoke_agent Team");
        assertThat(teamSpan.getParentSpanContext().isValid()).isFalse();
        assertThat(attr(teamSpan, stringKey("gen_ai.operation.name"))).isEqualTo("invoke_agent");
        assertThat(attr(teamSpan, stringKey("cadre.run.id"))).isEqualTo(out.runId());
        assertThat(attr(teamSpan, stringKey("cadre.session.id"))).isEqualTo(out.sessionId());
        assertThat(attr(teamSpan, stringKey("cadre.component.name"))).isEqualTo("Team");
        assertThat(attr(teamSpan, booleanKey("cadre.run.team"))).isTrue();
        assertThat(attr(teamSpan, stringKey("cadre.run.status"))).isEqualTo("COMPLETED");
        assertThat(teamSpan.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(otel.childrenOf(teamSpan)).extracting(SpanData::getName).containsExactlyInAnyOrder(
                "chat leader", "chat leader", "execute_tool delegate_task_to_member", "delegate Researcher");

        SpanData delegation = otel.named("delegate Researcher");
        SpanData memberSpan = otel.named("invoke_agent Researcher");
        String memberRunId = out.memberResponses().get(0).runId();
        assertThat(memberSpan.getParentSpanId()).isEqualTo(delegation.getSpanId());
        assertThat(memberSpan.getTraceId()).isEqualTo(teamSpan.getTraceId());
        assertThat(attr(memberSpan, stringKey("cadre.run.id"))).isEqualTo(memberRunId);
        assertThat(attr(memberSpan, stringKey("cadre.run.parent_id"))).isEqualTo(out.runId());
        assertThat(attr(delegation, stringKey("cadre.member.run.id"))).isEqualTo(memberRunId);
        assertThat(otel.childrenOf(memberSpan)).extracting(SpanData::getName)
                .containsExactlyInAnyOrder("chat member", "execute_tool lookup", "chat member");

        SpanData tool = otel.named("execute_tool lookup");
        assertThat(attr(tool, stringKey("gen_ai.operation.name"))).isEqualTo("execute_tool");
        assertThat(attr(tool, stringKey("gen_ai.tool.name"))).isEqualTo("lookup");
        assertThat(attr(tool, stringKey("gen_ai.tool.call.id"))).isEqualTo(out.memberResponses().get(0).tools()
                .get(0).toolCallId());

        var chats = otel.childrenOf(memberSpan).stream().filter(s -> s.getName().equals("chat member")).toList();
        assertThat(chats).extracting(s -> attr(s, longKey("gen_ai.usage.input_tokens"))).containsExactly(7L, 12L);
        assertThat(chats).extracting(s -> attr(s, longKey("gen_ai.usage.output_tokens"))).containsExactly(2L, 5L);
        assertThat(chats).allSatisfy(chat -> {
            assertThat(attr(chat, stringKey("gen_ai.operation.name"))).isEqualTo("chat");
            assertThat(attr(chat, stringKey("gen_ai.request.model"))).isEqualTo("member");
            assertThat(attr(chat, stringKey("gen_ai.provider.name"))).isNotBlank();
            assertThat(attr(chat, stringKey("gen_ai.system"))).isEqualTo(attr(chat, stringKey("gen_ai.provider.name")));
            assertThat(attr(chat, doubleKey("gen_ai.response.time_to_first_chunk"))).isNotNull();
        });
        assertThat(otel.tracing.openRuns()).isZero();
    }

    @Test
    void aCancelledRunEndsItsSpansCancelledNotFailed() throws Exception {
        ScriptedModel model = ScriptedModel.named("stuck", Reply.stall());
        Agent agent = Agent.builder().name("A").model(model).db(db).runManager(runs).build();
        Run<RunOutput> run = agent.start("go");
        assertThat(model.awaitCalls(1, WAIT)).isTrue();

        run.cancel();
        assertThat(run.await().status()).isEqualTo(RunStatus.CANCELLED);

        SpanData span = otel.named("invoke_agent A");
        assertThat(attr(span, stringKey("cadre.run.status"))).isEqualTo("CANCELLED");
        assertThat(span.getStatus().getStatusCode()).isNotEqualTo(StatusCode.ERROR);
        assertThat(span.getEvents()).singleElement().satisfies(e -> {
            assertThat(e.getName()).isEqualTo("cadre.run.cancelled");
            assertThat(e.getAttributes().get(stringKey("cadre.cancel.reason"))).contains(run.runId());
        });
        SpanData chat = otel.named("chat stuck");
        assertThat(attr(chat, booleanKey("cadre.model.aborted"))).isTrue();
        assertThat(chat.getStatus().getStatusCode()).isNotEqualTo(StatusCode.ERROR);
        assertThat(otel.tracing.openRuns()).isZero();
    }

    @Test
    void aFailedModelRequestHasErrorAttributesAndFailsItsRun() {
        Agent agent = Agent.builder().name("A")
                .model(ScriptedModel.named("broken", Reply.error(new ModelException("The provider is down"))))
                .db(db).runManager(runs).build();

        RunOutput out = agent.run("go");

        assertThat(out.status()).isEqualTo(RunStatus.ERROR);
        SpanData chat = otel.named("chat broken");
        assertThat(attr(chat, stringKey("error.type"))).isNotBlank();
        assertThat(chat.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(chat.getStatus().getDescription()).contains("The provider is down");
        SpanData run = otel.named("invoke_agent A");
        assertThat(run.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(run.getStatus().getDescription()).isNotBlank();
        assertThat(attr(run, stringKey("error.type"))).isNotBlank();
        assertThat(attr(run, stringKey("cadre.run.status"))).isEqualTo("ERROR");
    }
}
