package dev.cadre;

import static dev.cadre.Scripts.delegate;
import static dev.cadre.Scripts.delegateAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.db.InMemoryDb;
import dev.cadre.model.Usage;
import dev.cadre.run.RunExecutor;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.run.StepTask;
import dev.cadre.run.TeamRunOutput;
import dev.cadre.testkit.ScriptedModel;
import dev.cadre.testkit.ScriptedModel.Reply;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A run executed again after the process executing it died — by another process, which shares only the db and
 * the journal of the run's completed steps (here: other run managers, and a copy of the journal as it was) —
 * goes on from its last completed step: what the journal has is replayed, not asked of the model again.
 */
class ResumeTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    /** The process that accepted the run and died before it ran it. */
    private static final class NeverRuns implements RunExecutor {
        @Override
        public void submit(Runnable run) {
        }

        @Override
        public void stopAccepting() {
        }

        @Override
        public boolean awaitIdle(Duration timeout) {
            return true;
        }
    }

    private final InMemoryDb db = new InMemoryDb();
    private final RunManager accepting = RunManager.builder().executor(new NeverRuns()).build();
    private final RunManager dying = RunManager.builder().build();
    private final RunManager surviving = RunManager.builder().build();

    @AfterEach
    void shutDown() {
        accepting.shutdown(Duration.ZERO);
        dying.shutdown(Duration.ZERO);
        surviving.shutdown(Duration.ZERO);
    }

    private Team team(RunManager manager, ScriptedModel leader, ScriptedModel researcher, ScriptedModel writer,
            TeamMode mode) {
        Agent r = Agent.builder().name("Researcher").model(researcher).role("Finds facts").build();
        Agent w = Agent.builder().name("Writer").model(writer).role("Writes").build();
        return Team.builder().name("Research Team").model(leader).members(r, w).mode(mode).db(db).runManager(manager)
                .build();
    }

    @Test
    void aTeamRunGoesOnFromItsLastCompletedStepAndAsksTheModelOnlyWhatItDidNotAnswer() throws Exception {
        ScriptedModel leader = ScriptedModel.of(delegate("researcher", "Gather facts").usage(Usage.of(10, 1)),
                delegate("writer", "Summarise them").usage(Usage.of(10, 1)),
                Reply.text("Summary: ", "three laws.").usage(Usage.of(10, 1)));
        ScriptedModel researcher = ScriptedModel.of(Reply.text("Fact 1. Fact 2."));
        ScriptedModel writer = ScriptedModel.of(Reply.text("A half").thenAwait(new CompletableFuture<>()),
                Reply.text("A concise summary."));
        String runId = team(accepting, leader, researcher, writer, TeamMode.COORDINATE).runInBackground("Explain")
                .runId();
        MemoryJournal journal = new MemoryJournal();
        Thread.ofVirtual().start(() -> team(dying, leader, researcher, writer, TeamMode.COORDINATE)
                .resumeRun(runId, journal));
        assertThat(writer.awaitCalls(1, WAIT)).isTrue(); // the researcher answered; the writer is half-way

        MemoryJournal survived = journal.copy(); // the process dies here
        RunResult end = team(surviving, leader, researcher, writer, TeamMode.COORDINATE).resumeRun(runId, survived);

        assertThat(end.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(end.content()).isEqualTo("Summary: three laws.");
        assertThat(leader.requests()).as("each leader turn asked once").hasSize(3);
        assertThat(researcher.requests()).as("the member that answered is not run again").hasSize(1);
        assertThat(writer.requests()).as("the member under way is run again").hasSize(2);
        TeamRunOutput stored = (TeamRunOutput) db.getRun(runId).orElseThrow();
        assertThat(stored.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(stored.memberResponses()).extracting(RunResult::componentId, RunResult::status, RunResult::content)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("researcher", RunStatus.COMPLETED, "Fact 1. Fact 2."),
                        org.assertj.core.groups.Tuple.tuple("writer", RunStatus.COMPLETED, "A concise summary."));
        assertThat(stored.tools()).extracting(t -> t.childRunId().orElseThrow())
                .containsExactlyElementsOf(stored.memberResponses().stream().map(RunResult::runId).toList());
        assertThat(stored.metrics().inputTokens()).as("the replayed turns count in the run's usage").isEqualTo(30);
        assertThat(survived.replayed).as("the steps that ended before the crash, and only those").containsExactlyInAnyOrder(
                "run/0:prompt", "run/1:model", "run/2:tool.0", "run/3:model", "run/4:tool.0/0:prompt");
    }

    /** A broadcast run whose first process died with the writer half-way; the models are shared by both. */
    private record Broadcast(String runId, MemoryJournal journal, ScriptedModel leader, ScriptedModel researcher,
            ScriptedModel writer) {
    }

    private Broadcast broadcastDyingWhileTheWriterWrites() throws InterruptedException {
        ScriptedModel leader = ScriptedModel.of(delegateAll("Both of you"), Reply.text("Merged."));
        ScriptedModel researcher = ScriptedModel.of(Reply.text("Facts."));
        ScriptedModel writer = ScriptedModel.of(Reply.text("Half").thenAwait(new CompletableFuture<>()),
                Reply.text("Prose."));
        String runId = team(accepting, leader, researcher, writer, TeamMode.BROADCAST).runInBackground("Go").runId();
        MemoryJournal journal = new MemoryJournal();
        Thread.ofVirtual().start(() -> team(dying, leader, researcher, writer, TeamMode.BROADCAST)
                .resumeRun(runId, journal));
        assertThat(writer.awaitCalls(1, WAIT)).isTrue();
        return new Broadcast(runId, journal, leader, researcher, writer);
    }

    private Team survivingBroadcast(Broadcast b) {
        return team(surviving, b.leader(), b.researcher(), b.writer(), TeamMode.BROADCAST);
    }

    @Test
    void membersThatAnsweredInABroadcastAreNotRunAgain() throws Exception {
        Broadcast b = broadcastDyingWhileTheWriterWrites();
        ScriptedModel leader = b.leader();
        ScriptedModel researcher = b.researcher();
        ScriptedModel writer = b.writer();
        assertThat(researcher.awaitCalls(1, WAIT)).isTrue();
        awaitRecorded(b.journal(), "run/2:tool.0/0:member.0"); // the researcher's run, a step of the broadcast's call

        RunResult end = survivingBroadcast(b).resumeRun(b.runId(), b.journal().copy());

        assertThat(end.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(end.content()).isEqualTo("Merged.");
        assertThat(researcher.requests()).hasSize(1);
        assertThat(writer.requests()).hasSize(2);
        assertThat(leader.requests()).hasSize(2);
    }

    @Test
    void aMemberRunOfABroadcastIsPerformedByAnotherProcessFromItsDescription() throws Exception {
        Broadcast b = broadcastDyingWhileTheWriterWrites();
        String runId = b.runId();
        ScriptedModel leader = b.leader();
        ScriptedModel writer = b.writer();
        StepTask writersRun = b.journal().tasks.get("run/2:tool.0/0:member.1");

        Object value = survivingBroadcast(b).performStep(writersRun, b.journal().copy());

        assertThat(writersRun).isInstanceOf(StepTask.MemberRun.class);
        assertThat(value).isInstanceOfSatisfying(RunResult.class, member -> {
            assertThat(member.componentId()).isEqualTo("writer");
            assertThat(member.parentRunId()).contains(runId);
            assertThat(member.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(member.content()).isEqualTo("Prose.");
            assertThat(db.getRun(member.runId()).orElseThrow().status()).isEqualTo(RunStatus.COMPLETED);
        });
        assertThat(writer.requests()).hasSize(2);
        assertThat(leader.requests()).as("the team run itself is not executed").hasSize(1);
    }

    @Test
    void aDelegationIsPerformedByAnotherProcessFromItsDescriptionAndStopsWithItsRun() throws Exception {
        ScriptedModel leader = ScriptedModel.of(delegate("writer", "Write it"));
        ScriptedModel writer = ScriptedModel.of(Reply.text("Half").thenAwait(new CompletableFuture<>()),
                Reply.text("Again half").thenAwait(new CompletableFuture<>()));
        String runId = team(accepting, leader, ScriptedModel.of(), writer, TeamMode.COORDINATE).runInBackground("Go")
                .runId();
        MemoryJournal journal = new MemoryJournal();
        Thread.ofVirtual().start(() -> team(dying, leader, ScriptedModel.of(), writer, TeamMode.COORDINATE)
                .resumeRun(runId, journal));
        assertThat(writer.awaitCalls(1, WAIT)).isTrue();
        StepTask delegation = journal.tasks.get("run/2:tool.0");
        Team survivor = team(surviving, leader, ScriptedModel.of(), writer, TeamMode.COORDINATE);
        CompletableFuture<Object> performed = CompletableFuture.supplyAsync(
                () -> survivor.performStep(delegation, journal.copy()), r -> Thread.ofVirtual().start(r));
        assertThat(writer.awaitCalls(2, WAIT)).isTrue();

        surviving.cancel(runId); // the run is not this manager's: its stand-in, performing the step, is cancelled

        Object value = performed.get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        assertThat(delegation).isInstanceOfSatisfying(StepTask.ToolCall.class,
                t -> assertThat(t.toolName()).isEqualTo("delegate_task_to_member"));
        assertThat(dev.cadre.json.CadreJson.tree(value).path("outcome").path("text").asText())
                .startsWith("Member writer's run was cancelled");
        assertThat(writer.awaitAbortedCalls(1, WAIT)).as("the member's model call was aborted").isTrue();
    }

    @Test
    void aRunThatEndedMeanwhileIsReturnedAsStoredAndNotExecuted() {
        ScriptedModel leader = ScriptedModel.of(Reply.text("Never asked."));
        Team accepted = team(accepting, leader, ScriptedModel.of(), ScriptedModel.of(), TeamMode.COORDINATE);
        String runId = accepted.runInBackground("Go").runId();
        assertThat(accepting.cancel(runId).outcome()).isEqualTo(dev.cadre.run.CancelResult.Outcome.CANCELLED);

        RunResult end = team(surviving, leader, ScriptedModel.of(), ScriptedModel.of(), TeamMode.COORDINATE)
                .resumeRun(runId, new MemoryJournal());

        assertThat(end.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(leader.requests()).isEmpty();
    }

    @Test
    void aRunAskedToCancelWhileNoProcessExecutedItEndsCancelledWithoutAskingTheModel() {
        ScriptedModel leader = ScriptedModel.of(Reply.text("Never asked."));
        String runId = team(accepting, leader, ScriptedModel.of(), ScriptedModel.of(), TeamMode.COORDINATE)
                .runInBackground("Go").runId();
        assertThat(db.requestCancel(runId, "not needed")).isPresent();

        RunResult end = team(surviving, leader, ScriptedModel.of(), ScriptedModel.of(), TeamMode.COORDINATE)
                .resumeRun(runId, new MemoryJournal());

        assertThat(end.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(leader.requests()).isEmpty();
        assertThat(db.getRun(runId).orElseThrow().status()).isEqualTo(RunStatus.CANCELLED);
    }

    @Test
    void onlyTheComponentThatStartedARunResumesIt() {
        String runId = team(accepting, ScriptedModel.of(), ScriptedModel.of(), ScriptedModel.of(), TeamMode.COORDINATE)
                .runInBackground("Go").runId();
        Agent other = Agent.builder().name("Other").model(ScriptedModel.of()).db(db).runManager(surviving).build();

        assertThatThrownBy(() -> other.resumeRun(runId, new MemoryJournal()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("research-team");
        assertThatThrownBy(() -> other.resumeRun("no-such-run", new MemoryJournal()))
                .isInstanceOf(java.util.NoSuchElementException.class);
        assertThat(db.getRun(runId).orElseThrow().status()).isEqualTo(RunStatus.PENDING);
    }

    /** Waits until the journal has recorded {@code step} (a generous limit, only against a hang). */
    private static void awaitRecorded(MemoryJournal journal, String step) throws Exception {
        try {
            journal.whenRecorded(step).get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("the journal never recorded " + step + "; it has " + journal.done);
        }
    }
}
