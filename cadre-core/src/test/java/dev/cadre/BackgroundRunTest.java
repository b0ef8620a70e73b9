package dev.cadre;

import static dev.cadre.Scripts.delegate;
import static dev.cadre.Scripts.words;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.Scripts.Reader;
import dev.cadre.event.RunCancelled;
import dev.cadre.event.RunContent;
import dev.cadre.event.RunEvent;
import dev.cadre.event.TeamRunCancelled;
import dev.cadre.event.TeamRunContent;
import dev.cadre.model.ModelException;
import dev.cadre.testkit.ScriptedModel;
import dev.cadre.testkit.ScriptedModel.Reply;
import dev.cadre.run.CancelResult.Outcome;
import dev.cadre.run.RunExecutor;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.run.RunStream;
import dev.cadre.run.TeamRunOutput;
import dev.cadre.db.InMemoryDb;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The two seed programs (background execution with polling and cancel; cancel a streamed team run), as tests. */
class BackgroundRunTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    /** An executor that holds background runs until the test releases them. */
    static final class HeldExecutor implements RunExecutor {
        final ConcurrentLinkedQueue<Runnable> held = new ConcurrentLinkedQueue<>();
        boolean rejecting;

        @Override
        public void submit(Runnable run) {
            if (rejecting) {
                throw new RejectedExecutionException("full");
            }
            held.add(run);
        }

        void releaseAll() {
            Runnable r;
            while ((r = held.poll()) != null) {
                Thread.ofVirtual().start(r);
            }
        }

        @Override
        public void stopAccepting() {
        }

        @Override
        public boolean awaitIdle(Duration timeout) {
            return held.isEmpty();
        }
    }

    private final InMemoryDb db = new InMemoryDb();
    private final HeldExecutor executor = new HeldExecutor();
    private final RunManager runs = RunManager.builder().executor(executor).build();

    private Team researchTeam(ScriptedModel leader) {
        Agent researcher = Agent.builder().name("Researcher").role("Research topics and provide factual information.")
                .model(ScriptedModel.of(Reply.text("1st law: energy is conserved. 2nd: entropy rises. 3rd: ..."))).build();
        Agent writer = Agent.builder().name("Writer").role("Write clear and concise summaries.")
                .model(ScriptedModel.of(Reply.text("Energy is conserved; entropy grows; absolute zero is unreachable.")))
                .build();
        return Team.builder().name("ResearchTeam").model(leader).members(researcher, writer)
                .instructions("First, have the researcher gather key facts.",
                        "Then, have the writer create a concise summary.")
                .db(db).runManager(runs).build();
    }

    @Test
    void aBackgroundRunReturnsPendingAtOnceAndIsPolledToCompleted() throws Exception {
        CompletableFuture<Void> leaderMayAnswer = new CompletableFuture<>();
        ScriptedModel leader = ScriptedModel.of(delegate("researcher", "Gather key facts"),
                delegate("writer", "Summarise"),
                Reply.text("").thenAwait(leaderMayAnswer).thenText("The three laws, summarised."));
        Team team = researchTeam(leader);

        TeamRunOutput pending = team.runInBackground(
                "What are the three laws of thermodynamics? Summarize each in one sentence.");

        assertThat(pending.status()).isEqualTo(RunStatus.PENDING);
        assertThat(team.getRunOutput(pending.runId(), pending.sessionId())).get()
                .extracting(RunResult::status).isEqualTo(RunStatus.PENDING);

        executor.releaseAll();
        assertThat(leader.awaitCalls(3, WAIT)).isTrue();
        assertThat(team.getRunOutput(pending.runId(), pending.sessionId())).get()
                .extracting(RunResult::status).isEqualTo(RunStatus.RUNNING);

        leaderMayAnswer.complete(null);
        assertThat(runs.awaitRun(pending.runId(), WAIT)).isTrue();
        TeamRunOutput done = team.getRunOutputAsync(pending.runId(), pending.sessionId()).get(10, TimeUnit.SECONDS)
                .orElseThrow();
        assertThat(done.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(done.content()).isEqualTo("The three laws, summarised.");
        assertThat(done.memberResponses()).extracting(RunResult::componentId).containsExactly("researcher", "writer");
    }

    @Test
    void aRunningBackgroundRunIsCancelledAndTheDbSaysCancelled() throws Exception {
        ScriptedModel leader = ScriptedModel.of(Reply.text(words(20)).pacedAt(Duration.ofMillis(1)).thenBlock());
        Team team = Team.builder().name("EssayTeam").model(leader).db(db).runManager(runs).build();
        TeamRunOutput pending = team.runInBackground(
                "Write a detailed essay about the history of artificial intelligence. Make it at least 3000 words.");
        executor.releaseAll();
        assertThat(leader.awaitCalls(1, WAIT)).isTrue();

        var cancel = team.cancelRun(pending.runId());

        assertThat(cancel.outcome()).isEqualTo(Outcome.CANCELLED);
        assertThat(runs.awaitRun(pending.runId(), WAIT)).isTrue();
        assertThat(team.getRunOutput(pending.runId(), pending.sessionId())).get()
                .extracting(RunResult::status).isEqualTo(RunStatus.CANCELLED);
    }

    @Test
    void aPendingRunCancelledBeforeItStartsEndsCancelledAtOnceAndNeverRuns() {
        ScriptedModel leader = ScriptedModel.of(Reply.text("never"));
        Team team = Team.builder().name("T").model(leader).db(db).runManager(runs).build();
        TeamRunOutput pending = team.runInBackground("go");

        var cancel = team.cancelRun(pending.runId());

        assertThat(cancel.outcome()).isEqualTo(Outcome.CANCELLED);
        assertThat(db.getRun(pending.runId())).get().extracting(RunResult::status).isEqualTo(RunStatus.CANCELLED);
        executor.releaseAll();
        assertThat(leader.requests()).isEmpty();
        assertThat(runs.activeRunIds()).isEmpty();
    }

    @Test
    void aFailingBackgroundRunIsStoredAsError() throws Exception {
        Team team = Team.builder().name("T").model(ScriptedModel.of(Reply.error(new ModelException("model down"))))
                .db(db).runManager(runs).build();
        TeamRunOutput pending = team.runInBackground("go");
        executor.releaseAll();
        assertThat(runs.awaitRun(pending.runId(), WAIT)).isTrue();

        RunResult stored = db.getRun(pending.runId()).orElseThrow();
        assertThat(pending.status()).isEqualTo(RunStatus.PENDING);
        assertThat(stored.status()).isEqualTo(RunStatus.ERROR);
        assertThat(stored.content()).isEqualTo("model down");
    }

    @Test
    void backgroundRunsNeedADb() {
        Team team = Team.builder().name("T").model(ScriptedModel.of()).runManager(runs).build();
        assertThatThrownBy(() -> team.runInBackground("go")).isInstanceOfSatisfying(
                        dev.cadre.run.RunRefusedException.class,
                        e -> assertThat(e.reason()).isEqualTo(dev.cadre.run.RunRefusedException.Reason.NO_DB))
                .hasMessageContaining("Background runs need a db");
    }

    @Test
    void aRejectedBackgroundRunIsStoredAsErrorAndTheCallerIsTold() {
        executor.rejecting = true;
        Team team = Team.builder().name("T").model(ScriptedModel.of()).db(db).runManager(runs).build();
        assertThatThrownBy(() -> team.runInBackground("go")).isInstanceOf(RejectedExecutionException.class);
        assertThat(db.listSessions(dev.cadre.db.SessionQuery.all()).items()).singleElement()
                .satisfies(s -> assertThat(db.listRuns(s.sessionId())).singleElement()
                        .satisfies(r -> assertThat(r.status()).isEqualTo(RunStatus.ERROR)));
        assertThat(runs.activeRunIds()).isEmpty();
    }

    @Test
    void aStreamedTeamRunIsCancelledFromAnotherThread() throws Exception {
        // seed 004: the Storytelling team; the storyteller streams until another thread cancels the team run
        Agent storyteller = Agent.builder().name("StorytellerAgent").description("An agent that writes creative stories")
                .model(ScriptedModel.of(Reply.text(words(40)).pacedAt(Duration.ofMillis(1)).thenBlock())).build();
        Agent editor = Agent.builder().name("EditorAgent").description("An agent that reviews and improves stories")
                .model(ScriptedModel.of()).build();
        Team team = Team.builder().name("Storytelling Team").description("A team that collaborates to write detailed stories")
                .model(ScriptedModel.of(delegate("storytelleragent", "Write a long story about a dragon who learns to code")))
                .members(storyteller, editor).db(db).runManager(runs).build();
        RunStream stream = team.stream("Write a very long story about a dragon who learns to code.");
        Reader reader = new Reader(stream, ev -> ev.stream().filter(e -> e instanceof RunContent).count() >= 10);
        reader.trigger.get(10, TimeUnit.SECONDS);

        CompletableFuture<Boolean> cancelled = CompletableFuture.supplyAsync(
                () -> team.cancelRun(stream.runId()).accepted(), r -> Thread.ofPlatform().name("CancelThread").start(r));

        assertThat(cancelled.get(10, TimeUnit.SECONDS)).isTrue();
        List<RunEvent> events = reader.done.get(10, TimeUnit.SECONDS);
        String content = events.stream().map(e -> switch (e) {
            case RunContent c -> c.content();
            case TeamRunContent c -> c.content();
            default -> "";
        }).reduce("", String::concat);
        assertThat(content).startsWith("word0 word1");
        RunCancelled member = events.stream().filter(e -> e instanceof RunCancelled).map(RunCancelled.class::cast)
                .findFirst().orElseThrow();
        assertThat(member.agentName()).isEqualTo("StorytellerAgent");
        assertThat(member.parentRunId()).contains(stream.runId());
        assertThat(events.getLast()).isInstanceOfSatisfying(TeamRunCancelled.class, t -> {
            assertThat(t.runId()).isEqualTo(stream.runId());
            assertThat(t.status()).isEqualTo(RunStatus.CANCELLED);
        });
        assertThat(db.getRun(stream.runId())).get().extracting(RunResult::status).isEqualTo(RunStatus.CANCELLED);
    }

    @Test
    void shutdownCancelsWhatIsStillRunningWithAReason() throws Exception {
        RunManager own = RunManager.builder().build();
        ScriptedModel leader = ScriptedModel.of(Reply.stall());
        Team team = Team.builder().name("T").model(leader).db(db).runManager(own).build();
        TeamRunOutput pending = team.runInBackground("go");
        assertThat(leader.awaitCalls(1, WAIT)).isTrue();

        boolean clean = own.shutdown(Duration.ZERO);

        assertThat(clean).isFalse();
        RunResult stored = db.getRun(pending.runId()).orElseThrow();
        assertThat(stored.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(stored.content()).contains("shutting down");
        assertThatThrownBy(() -> team.run("more")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("shut down");
    }
}
