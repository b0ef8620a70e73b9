package dev.cadre;

import static dev.cadre.Scripts.delegate;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.db.InMemoryDb;
import dev.cadre.model.Model;
import dev.cadre.run.ModelCall;
import dev.cadre.run.Run;
import dev.cadre.run.RunInfo;
import dev.cadre.run.RunListener;
import dev.cadre.run.RunOutput;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.run.TeamRunOutput;
import dev.cadre.run.ToolExecution;
import dev.cadre.testkit.ScriptedModel;
import dev.cadre.testkit.ScriptedModel.Reply;
import dev.cadre.tool.FunctionTool;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link RunListener}: what it is told, in which order, and that it cannot break a run. */
class RunListenerTest {

    private final InMemoryDb db = new InMemoryDb();
    private final Recorder recorder = new Recorder();
    private final RunManager runs = RunManager.builder().listener(recorder).build();

    @AfterEach
    void shutDown() {
        runs.shutdown(Duration.ZERO);
    }

    @Test
    void aTeamRunReportsItsModelRequestsDelegationAndMemberRunInOrder() {
        Team team = Team.builder().name("Team").model(ScriptedModel.named("leader", delegate("researcher", "find"),
                        Reply.text("done")))
                .members(Agent.builder().name("Researcher").model(ScriptedModel.named("member", Reply.text("facts")))
                        .build())
                .db(db).runManager(runs).build();

        TeamRunOutput out = team.run("go");

        String member = out.memberResponses().get(0).runId();
        assertThat(recorder.lines).containsExactly(
                "runStarted " + out.runId(),
                "modelRequestStarted " + out.runId() + " leader",
                "modelRequestEnded " + out.runId() + " leader ok",
                "toolCallStarted " + out.runId() + " delegate_task_to_member",
                "delegationStarted " + out.runId() + " -> " + member + " find",
                "runStarted " + member + " (child of " + out.runId() + ")",
                "modelRequestStarted " + member + " member",
                "modelRequestEnded " + member + " member ok",
                "runEnded " + member + " COMPLETED",
                "delegationEnded " + out.runId() + " -> " + member + " COMPLETED",
                "toolCallEnded " + out.runId() + " delegate_task_to_member facts",
                "modelRequestStarted " + out.runId() + " leader",
                "modelRequestEnded " + out.runId() + " leader ok",
                "runEnded " + out.runId() + " COMPLETED");
    }

    @Test
    void aCancelIsReportedForTheRunAndItsAbortedModelRequest() throws Exception {
        ScriptedModel model = ScriptedModel.named("stuck", Reply.stall());
        Agent agent = Agent.builder().name("A").model(model).db(db).runManager(runs).build();
        Run<RunOutput> run = agent.start("go");
        assertThat(model.awaitCalls(1, Duration.ofSeconds(20))).isTrue();

        run.cancel();
        run.await();

        assertThat(recorder.lines).contains("cancelRequested " + run.runId() + " Run " + run.runId() + " was cancelled",
                "modelRequestEnded " + run.runId() + " stuck aborted", "runEnded " + run.runId() + " CANCELLED");
    }

    @Test
    void aCancelIsReportedBeforeTheCancelledRunsEndEveryTime() throws Exception {
        // The abort that ends the run races the cancelling thread; repeated so that an unordered abort would show.
        for (int i = 0; i < 40; i++) {
            ScriptedModel model = ScriptedModel.named("stuck", Reply.stall());
            Agent agent = Agent.builder().name("A").model(model).runManager(runs).build();
            Run<RunOutput> run = agent.start("go");
            assertThat(model.awaitCalls(1, Duration.ofSeconds(20))).isTrue();

            run.cancel();
            run.await();

            assertThat(recorder.lines).containsSubsequence("cancelRequested " + run.runId() + " Run " + run.runId()
                    + " was cancelled", "runEnded " + run.runId() + " CANCELLED");
        }
    }

    @Test
    void aListenerThatThrowsCannotBreakARun() {
        RunListener broken = new RunListener() {
            @Override
            public void runStarted(RunInfo run) {
                throw new IllegalStateException("broken listener");
            }

            @Override
            public void modelRequestEnded(RunInfo run, ModelCall call) {
                throw new AssertionError("broken too");
            }
        };
        Agent agent = Agent.builder().name("A").model(ScriptedModel.of(Reply.text("fine"))).listener(broken)
                .runManager(runs).build();

        RunOutput out = agent.run("go");

        assertThat(out.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(out.content()).isEqualTo("fine");
    }

    @Test
    void aTeamsListenerSeesItsMembersRunsButNotOtherComponentsRuns() {
        Recorder teamOnly = new Recorder();
        Agent member = Agent.builder().name("Researcher").model(ScriptedModel.of(Reply.text("facts"))).build();
        Team team = Team.builder().name("Team").model(ScriptedModel.of(delegate("researcher", "find"),
                Reply.text("done"))).members(member).listener(teamOnly).runManager(runs).build();
        Agent other = Agent.builder().name("Other").model(ScriptedModel.of(Reply.text("x"))).runManager(runs).build();

        TeamRunOutput out = team.run("go");
        RunOutput unrelated = other.run("go");

        assertThat(teamOnly.lines).contains("runEnded " + out.memberResponses().get(0).runId() + " COMPLETED",
                "runEnded " + out.runId() + " COMPLETED");
        assertThat(teamOnly.lines).noneMatch(l -> l.contains(unrelated.runId()));
        assertThat(recorder.lines).contains("runEnded " + unrelated.runId() + " COMPLETED");
    }

    @Test
    void toolCallsAreReportedWithTheirResults() {
        Agent agent = Agent.builder().name("A")
                .model(ScriptedModel.of(Reply.toolCall("echo", "{\"text\":\"hi\"}"), Reply.text("ok")))
                .tools(FunctionTool.of("echo", "echoes", ctx -> "echo: hi")).runManager(runs).build();

        RunOutput out = agent.run("go");

        assertThat(recorder.lines).containsSubsequence("toolCallStarted " + out.runId() + " echo",
                "toolCallEnded " + out.runId() + " echo echo: hi");
    }

    /** Writes one line per callback. */
    static final class Recorder implements RunListener {
        final List<String> lines = new CopyOnWriteArrayList<>();

        @Override
        public void runStarted(RunInfo run) {
            lines.add("runStarted " + run.runId() + run.parentRunId().map(p -> " (child of " + p + ")").orElse(""));
        }

        @Override
        public void runEnded(RunInfo run, RunResult end) {
            lines.add("runEnded " + run.runId() + " " + end.status());
        }

        @Override
        public void modelRequestStarted(RunInfo run, Model model) {
            lines.add("modelRequestStarted " + run.runId() + " " + model.id());
        }

        @Override
        public void modelRequestEnded(RunInfo run, ModelCall call) {
            lines.add("modelRequestEnded " + run.runId() + " " + call.modelId() + " "
                    + (call.aborted() ? "aborted" : call.error().map(e -> "failed " + e).orElse("ok")));
        }

        @Override
        public void toolCallStarted(RunInfo run, ToolExecution call) {
            lines.add("toolCallStarted " + run.runId() + " " + call.toolName());
        }

        @Override
        public void toolCallEnded(RunInfo run, ToolExecution call) {
            lines.add("toolCallEnded " + run.runId() + " " + call.toolName() + " " + call.result().orElse(""));
        }

        @Override
        public void delegationStarted(RunInfo team, RunInfo member, String task) {
            lines.add("delegationStarted " + team.runId() + " -> " + member.runId() + " " + task);
        }

        @Override
        public void delegationEnded(RunInfo team, RunInfo member, RunResult end) {
            lines.add("delegationEnded " + team.runId() + " -> " + member.runId() + " " + end.status());
        }

        @Override
        public void cancelRequested(RunInfo run, String reason) {
            lines.add("cancelRequested " + run.runId() + " " + reason);
        }
    }
}
