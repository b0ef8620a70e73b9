package dev.cadre;

import static dev.cadre.Scripts.delegate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.event.RunCompleted;
import dev.cadre.event.RunEvent;
import dev.cadre.event.TerminalEvent;
import dev.cadre.testkit.ScriptedModel;
import dev.cadre.testkit.ScriptedModel.Reply;
import dev.cadre.run.CancelResult;
import dev.cadre.run.CancelResult.Outcome;
import dev.cadre.run.RunOutput;
import dev.cadre.run.RunRequest;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.run.RunStream;
import dev.cadre.run.TeamRunOutput;
import dev.cadre.db.FinalStateJournal;
import dev.cadre.db.InMemoryDb;
import dev.cadre.db.DbException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run's end is never given up while its process lives, and never announced before it is stored. */
class FinalStateTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private static RunManager quickRetries() {
        return RunManager.builder().finalWriteRetry(Duration.ofMillis(5), Duration.ofMillis(20)).build();
    }

    @Test
    void aFinalStateTheStoreRefusesIsKeptRetriedAndStoredWhenTheStoreIsBack() throws Exception {
        FlakyDb db = new FlakyDb();
        RunManager runs = quickRetries();
        Agent agent = Agent.builder().name("A").model(ScriptedModel.of(Reply.text("the ", "answer"))).db(db)
                .runManager(runs).build();
        db.refuseFinishes(true);

        CompletableFuture<RunOutput> run = agent.runAsync(RunRequest.builder("go").runId("r1").build());
        // Two failed attempts: the run has ended, and its end has been retried at least once.
        assertThat(db.awaitFailedFinishes(2, WAIT)).isTrue();

        assertThat(run).isNotDone();
        assertThat(db.getRun("r1")).get().extracting(RunResult::status).isEqualTo(RunStatus.RUNNING);
        assertThat(runs.pendingFinalStates()).containsExactly("r1");
        CancelResult cancel = agent.cancelRun("r1");
        assertThat(cancel.outcome()).isEqualTo(Outcome.ALREADY_FINISHED);
        assertThat(cancel.status()).contains(RunStatus.COMPLETED);
        assertThat(cancel.finalStatePending()).isTrue();
        assertThat(cancel.message()).contains("not stored yet");

        db.refuseFinishes(false);

        RunOutput out = run.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(out.status()).isEqualTo(RunStatus.COMPLETED);
        RunResult stored = db.getRun("r1").orElseThrow();
        assertThat(stored.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(stored.content()).isEqualTo("the answer");
        assertThat(runs.pendingFinalStates()).isEmpty();
        assertThat(agent.cancelRun("r1").finalStatePending()).isFalse();
    }

    @Test
    void aStreamEndsWithItsTerminalEventOnlyOnceTheEndIsStored() throws Exception {
        FlakyDb db = new FlakyDb();
        RunManager runs = quickRetries();
        Agent agent = Agent.builder().name("A").model(ScriptedModel.of(Reply.text("done"))).db(db).runManager(runs)
                .build();
        db.refuseFinishes(true);
        RunStream stream = agent.stream("go");
        Scripts.Reader reader = new Scripts.Reader(stream, events -> false);
        assertThat(db.awaitFailedFinishes(2, WAIT)).isTrue();

        assertThat(reader.events).noneMatch(e -> e instanceof TerminalEvent);
        assertThat(reader.done).isNotDone();

        db.refuseFinishes(false);
        List<RunEvent> events = reader.done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(events.getLast()).isInstanceOf(RunCompleted.class);
        assertThat(db.getRun(stream.runId())).get().extracting(RunResult::status).isEqualTo(RunStatus.COMPLETED);
    }

    @Test
    void aCancelWhileTheStoreIsDownSaysTheEndIsNotStoredYet() throws Exception {
        FlakyDb db = new FlakyDb();
        RunManager runs = quickRetries();
        ScriptedModel model = ScriptedModel.of(Reply.stall());
        Agent agent = Agent.builder().name("A").model(model).db(db).runManager(runs).build();
        CompletableFuture<RunOutput> run = agent.runAsync(RunRequest.builder("go").runId("r1").build());
        assertThat(model.awaitCalls(1, WAIT)).isTrue();
        db.refuseFinishes(true);

        CancelResult cancel = agent.cancelRun("r1");

        assertThat(cancel.outcome()).isEqualTo(Outcome.CANCELLED);
        assertThat(cancel.status()).contains(RunStatus.CANCELLED);
        assertThat(cancel.finalStatePending()).isTrue();
        assertThat(db.getRun("r1")).get().extracting(RunResult::status).isEqualTo(RunStatus.RUNNING);
        db.refuseFinishes(false);
        assertThat(run.get(WAIT.toSeconds(), TimeUnit.SECONDS).status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(db.getRun("r1")).get().extracting(RunResult::status).isEqualTo(RunStatus.CANCELLED);
    }

    @Test
    void membersAreStoredBeforeTheirTeamRunEvenWhenTheTeamEndsFirst() throws Exception {
        FlakyDb db = new FlakyDb();
        // The team does not wait for members after a cancel: it ends while its member's write still waits.
        RunManager runs = RunManager.builder().finalWriteRetry(Duration.ofMillis(5), Duration.ofMillis(20))
                .memberDrainTimeout(Duration.ZERO).build();
        Agent helper = Agent.builder().name("Helper").model(ScriptedModel.of(Reply.text("helped"))).build();
        Team team = Team.builder().name("T").model(ScriptedModel.of(delegate("helper", "help"), Reply.text("done")))
                .members(helper).db(db).runManager(runs).build();
        db.refuseFinishes(true);
        CompletableFuture<TeamRunOutput> run = team.runAsync(RunRequest.builder("go").runId("team-run").build());
        assertThat(db.awaitFailedFinishes(1, WAIT)).isTrue(); // the member has ended; its write waits

        CancelResult cancel = team.cancelRun("team-run");
        assertThat(cancel.finalStatePending()).isTrue();
        db.refuseFinishes(false);

        TeamRunOutput out = run.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(out.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(db.finished).hasSize(2).last().isEqualTo("team-run");
        TeamRunOutput stored = (TeamRunOutput) db.getRun("team-run").orElseThrow();
        assertThat(stored.memberResponses()).singleElement().satisfies(m -> {
            assertThat(m.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(m.content()).isEqualTo("helped");
        });
    }

    @Test
    void aPollTriesAWaitingFinalStateAgainAndAnswersWhatTheStoreHolds() throws Exception {
        FlakyDb db = new FlakyDb();
        // Retries so rare that only the poll can write the state during this test.
        RunManager runs = RunManager.builder().finalWriteRetry(Duration.ofHours(1), Duration.ofHours(1)).build();
        Agent agent = Agent.builder().name("A").model(ScriptedModel.of(Reply.text("answer"))).db(db).runManager(runs)
                .build();
        db.refuseFinishes(true);
        CompletableFuture<RunOutput> run = agent.runAsync(RunRequest.builder("go").runId("r1").build());
        assertThat(db.awaitFailedFinishes(1, WAIT)).isTrue();
        String sessionId = db.getRun("r1").orElseThrow().sessionId();

        assertThat(agent.getRunOutput("r1", sessionId)).get().extracting(RunResult::status)
                .isEqualTo(RunStatus.RUNNING);
        db.refuseFinishes(false);
        assertThat(agent.getRunOutput("r1", sessionId)).get().extracting(RunResult::status)
                .isEqualTo(RunStatus.COMPLETED);
        assertThat(run.get(WAIT.toSeconds(), TimeUnit.SECONDS).content()).isEqualTo("answer");
    }

    @Test
    void shutdownLeavesWhatTheStoreStillRefusesInTheJournalForTheNextStart(@TempDir Path dir) throws Exception {
        FinalStateJournal journal = new FinalStateJournal(dir);
        FlakyDb db = new FlakyDb(Optional.of(journal));
        RunManager runs = quickRetries();
        Agent agent = Agent.builder().name("A").model(ScriptedModel.of(Reply.text("kept answer"))).db(db)
                .runManager(runs).build();
        db.refuseFinishes(true);
        CompletableFuture<RunOutput> run = agent.runAsync(RunRequest.builder("go").runId("r1").build());
        assertThat(db.awaitFailedFinishes(2, WAIT)).isTrue(); // a retry: the write is waiting
        assertThat(journal.kept()).hasSize(1); // on disk as soon as its write failed: it survives even a kill

        assertThat(runs.shutdown(Duration.ZERO)).isFalse();

        // The run's caller is told plainly that its end is not stored.
        assertThatThrownBy(() -> run.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(DbException.class).hasMessageContaining("not stored");
        assertThat(db.getRun("r1")).get().extracting(RunResult::status).isEqualTo(RunStatus.RUNNING);

        // The next start (here: the same store, reachable again) writes the real end, content included.
        db.refuseFinishes(false);
        FinalStateJournal.Replay replay = new FinalStateJournal(dir).replayInto(db);
        assertThat(replay.written()).containsExactly("r1");
        RunResult stored = db.getRun("r1").orElseThrow();
        assertThat(stored.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(stored.content()).isEqualTo("kept answer");
        assertThat(journal.kept()).isEmpty();
    }

    @Test
    void aWrittenFinalStateLeavesNothingInTheJournal(@TempDir Path dir) throws Exception {
        FinalStateJournal journal = new FinalStateJournal(dir);
        FlakyDb db = new FlakyDb(Optional.of(journal));
        RunManager runs = quickRetries();
        Agent agent = Agent.builder().name("A").model(ScriptedModel.of(Reply.text("x"))).db(db).runManager(runs)
                .build();
        db.refuseFinishes(true);
        CompletableFuture<RunOutput> run = agent.runAsync("go");
        assertThat(db.awaitFailedFinishes(1, WAIT)).isTrue();
        db.refuseFinishes(false);

        assertThat(run.get(WAIT.toSeconds(), TimeUnit.SECONDS).status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(journal.kept()).isEmpty();
    }

    @Test
    void aRunTheOrphanSweepEndedWhileItsProcessWasAliveKeepsItsRealEnd() throws Exception {
        InMemoryDb db = new InMemoryDb();
        Scripts.BlockingTool wait = new Scripts.BlockingTool("wait");
        Agent agent = Agent.builder().name("A").model(ScriptedModel.of(Reply.toolCall("wait", "{}"), Reply.text("x")))
                .tools(wait.tool).db(db).runManager(RunManager.builder().build()).build();
        CompletableFuture<RunOutput> run = agent.runAsync(RunRequest.builder("go").runId("r1").build());
        wait.started.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        // This process never beat a heartbeat in this store, so the sweep takes it for dead...
        assertThat(db.failOrphanedRuns(Duration.ZERO, "the process running this run stopped")).contains("r1");

        wait.mayReturn.complete(null);

        // ...but it is alive: it goes on, and the store ends up with its real end.
        assertThat(run.get(WAIT.toSeconds(), TimeUnit.SECONDS).status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(db.getRun("r1")).get().satisfies(r -> {
            assertThat(r.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(r.content()).isEqualTo("x");
        });
    }

    @Test
    void aCancelledRunEndsEvenWhenNobodyReadsItsFullStream() throws Exception {
        FlakyDb db = new FlakyDb();
        RunManager runs = RunManager.builder().streamBufferSize(1).build();
        Agent agent = Agent.builder().name("A").model(ScriptedModel.of(Reply.text(Scripts.words(50))))
                .addHistoryToContext(true).db(db).runManager(runs).build();
        RunStream stream = agent.stream("go"); // never read: the run's thread blocks on its second event
        db.historyRead.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        CancelResult cancel = agent.cancelRun(stream.runId());

        assertThat(cancel.outcome()).isEqualTo(Outcome.CANCELLED);
        assertThat(runs.awaitRun(stream.runId(), WAIT)).isTrue();
        assertThat(db.getRun(stream.runId())).get().extracting(RunResult::status).isEqualTo(RunStatus.CANCELLED);
        stream.close();
    }
}
