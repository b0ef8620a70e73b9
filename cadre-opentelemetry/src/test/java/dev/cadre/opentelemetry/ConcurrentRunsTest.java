package dev.cadre.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.Agent;
import dev.cadre.RunManager;
import dev.cadre.Team;
import dev.cadre.db.InMemoryDb;
import dev.cadre.run.Run;
import dev.cadre.run.RunOutput;
import dev.cadre.run.RunStatus;
import dev.cadre.run.TeamRunOutput;
import dev.cadre.testkit.ScriptedModel;
import dev.cadre.testkit.ScriptedModel.Reply;
import dev.cadre.tool.FunctionTool;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Many runs at once (half of them cancelled while their model stalls, or team runs) leave no span open. */
class ConcurrentRunsTest {

    private static final int RUNS = 200;
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final Tracing otel = new Tracing();
    private final RunManager runs = RunManager.builder().listener(otel.listener).build();

    @AfterEach
    void shutDown() {
        runs.shutdown(Duration.ZERO);
        otel.close();
    }

    @Test
    void concurrentRunsAndCancelsEndEverySpanExactlyOnce() throws Exception {
        CountDownLatch allStarted = new CountDownLatch(RUNS);
        // Even runs call a tool and answer; odd runs stall in their model until cancelled.
        ScriptedModel model = ScriptedModel.replying(request -> {
            if (ScriptedModel.lastUserMessage(request).endsWith("stall")) {
                allStarted.countDown();
                return Reply.stall();
            }
            if (ScriptedModel.isAfterToolResult(request)) {
                return Reply.text("done");
            }
            allStarted.countDown();
            return Reply.toolCall("echo", "{}");
        });
        Agent agent = Agent.builder().name("A").model(model).tools(FunctionTool.of("echo", "echoes", ctx -> "echo"))
                .db(new InMemoryDb()).runManager(runs).build();

        List<Run<RunOutput>> started = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            started.add(agent.start("run " + i + (i % 2 == 1 ? " stall" : "")));
        }
        assertThat(allStarted.await(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        for (int i = 1; i < RUNS; i += 2) {
            started.get(i).cancel();
        }
        for (Run<RunOutput> run : started) {
            otel.awaitEnd(run.runId());
        }

        assertThat(otel.tracing.openRuns()).isZero();
        Map<String, List<SpanData>> byRun = otel.spans().stream()
                .collect(Collectors.groupingBy(s -> s.getAttributes().get(AttributeKey.stringKey("cadre.run.id"))));
        assertThat(byRun).hasSize(RUNS);
        for (int i = 0; i < RUNS; i++) {
            Run<RunOutput> run = started.get(i);
            List<String> names = byRun.get(run.runId()).stream().map(SpanData::getName).toList();
            if (i % 2 == 0) {
                assertThat(run.await().status()).isEqualTo(RunStatus.COMPLETED);
                assertThat(names).containsExactlyInAnyOrder("invoke_agent A", "chat " + model.id(),
                        "execute_tool echo", "chat " + model.id());
            } else {
                assertThat(run.await().status()).isEqualTo(RunStatus.CANCELLED);
                assertThat(names).containsExactlyInAnyOrder("invoke_agent A", "chat " + model.id());
            }
        }
        assertThat(otel.spans()).allSatisfy(s -> assertThat(s.hasEnded()).isTrue());
    }

    @Test
    void concurrentTeamRunsKeepEachMemberUnderItsOwnTeamsDelegation() throws Exception {
        int teams = RUNS / 4;
        ScriptedModel leader = ScriptedModel.replying(request -> ScriptedModel.isAfterToolResult(request)
                ? Reply.text("done")
                : Reply.toolCall("delegate_task_to_member", "{\"member_id\":\"m\",\"task\":\"t\"}"));
        Agent member = Agent.builder().name("M").model(ScriptedModel.replying(request -> Reply.text("ok"))).build();
        Team team = Team.builder().name("T").model(leader).members(member).db(new InMemoryDb()).runManager(runs)
                .build();

        List<Run<TeamRunOutput>> started = new ArrayList<>();
        for (int i = 0; i < teams; i++) {
            started.add(team.start("go " + i));
        }
        for (Run<TeamRunOutput> run : started) {
            otel.awaitEnd(run.runId());
        }

        assertThat(otel.tracing.openRuns()).isZero();
        Map<String, SpanData> bySpanId = otel.spans().stream()
                .collect(Collectors.toMap(SpanData::getSpanId, s -> s));
        List<SpanData> members = otel.spans().stream().filter(s -> s.getName().equals("invoke_agent M")).toList();
        assertThat(members).hasSize(teams);
        for (SpanData m : members) {
            SpanData delegation = bySpanId.get(m.getParentSpanId());
            assertThat(delegation.getName()).isEqualTo("delegate M");
            SpanData teamSpan = bySpanId.get(delegation.getParentSpanId());
            assertThat(teamSpan.getName()).isEqualTo("invoke_agent T");
            assertThat(teamSpan.getAttributes().get(AttributeKey.stringKey("cadre.run.id")))
                    .isEqualTo(m.getAttributes().get(AttributeKey.stringKey("cadre.run.parent_id")));
            assertThat(m.getTraceId()).isEqualTo(teamSpan.getTraceId());
        }
    }
}
