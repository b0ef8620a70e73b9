package dev.cadre;

import static dev.cadre.Scripts.delegate;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.db.InMemoryDb;
import dev.cadre.event.RunCancelled;
import dev.cadre.event.TeamRunCancelled;
import dev.cadre.run.CancelResult;
import dev.cadre.run.CancelResult.Outcome;
import dev.cadre.run.Run;
import dev.cadre.run.RunOutput;
import dev.cadre.run.RunRequest;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.run.TeamRunOutput;
import dev.cadre.testkit.ScriptedModel;
import dev.cadre.testkit.ScriptedModel.Reply;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A cancel from a process that does not run the run (here: another run manager, which shares only the db,
 * exactly as another process does) is a request: the canceller never writes the owner's row, and the owner
 * ends its own run — partial answer kept, members stopped, terminal event stored.
 */
class CrossProcessCancelTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private final InMemoryDb db = new InMemoryDb();
    private final RunManager owner = RunManager.builder().cancelRequestPoll(Duration.ofMillis(20)).build();
    private final RunManager canceller = RunManager.builder().build();

    @AfterEach
    void shutDown() {
        owner.shutdown(Duration.ZERO);
        canceller.shutdown(Duration.ZERO);
    }

    @Test
    void theCancellerOnlyRequestsAndTheOwnerEndsItsRunKeepingThePartialAnswer() throws Exception {
        CompletableFuture<Void> never = new CompletableFuture<>();
        ScriptedModel model = ScriptedModel.of(Reply.text("Half of ", "the answer").thenAwait(never));
        Agent agent = Agent.builder().name("Writer").model(model).db(db).runManager(owner).build();
        Run<RunOutput> run = agent.start(RunRequest.builder("write").runId("owned-elsewhere").build());
        for (var e : run.events()) {
            if (e instanceof dev.cadre.event.RunContent c && c.content().equals("the answer")) {
                break; // the owner has streamed its partial answer
            }
        }

        CancelResult result = canceller.cancel("owned-elsewhere", db);

        assertThat(result.outcome()).isEqualTo(Outcome.REQUESTED);
        assertThat(result.status()).contains(RunStatus.RUNNING);
        RunOutput end = run.await();
        assertThat(end.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(end.content()).isEqualTo("Half of the answer");
        RunResult stored = db.getRun("owned-elsewhere").orElseThrow();
        assertThat(stored.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(stored.content()).isEqualTo("Half of the answer");
        assertThat(stored.events()).last().isInstanceOf(RunCancelled.class);
        assertThat(model.abortedCalls()).isOne();
        assertThat(db.cancelRequests(dev.cadre.db.ProcessInstance.id())).isEmpty();
    }

    @Test
    void aRequestedTeamRunStopsItsMemberInTheMiddleOfItsModelCall() throws Exception {
        ScriptedModel memberModel = ScriptedModel.of(Reply.text("Researching").thenAwait(new CompletableFuture<>()));
        Team team = teamWhoseMemberNeverAnswers(memberModel, "never");
        Run<TeamRunOutput> run = team.startInBackground(RunRequest.builder("go").runId("team-elsewhere").build());
        assertThat(memberModel.awaitCalls(1, WAIT)).isTrue();

        assertThat(canceller.cancel("team-elsewhere", db).outcome()).isEqualTo(Outcome.REQUESTED);

        TeamRunOutput end = run.await();
        assertThat(end.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(memberModel.abortedCalls()).isOne();
        TeamRunOutput stored = (TeamRunOutput) db.getRun("team-elsewhere").orElseThrow();
        assertThat(stored.events()).last().isInstanceOf(TeamRunCancelled.class);
        // A background run calls its models without streaming: the member had no text yet, so it keeps the reason.
        assertThat(stored.memberResponses()).singleElement().satisfies(m -> {
            assertThat(m.status()).isEqualTo(RunStatus.CANCELLED);
            assertThat(m.content()).endsWith("was cancelled");
        });
    }

    @Test
    void aRequestForAMemberRunStopsThatMember() throws Exception {
        ScriptedModel memberModel = ScriptedModel.of(Reply.text("Researching").thenAwait(new CompletableFuture<>()));
        Team team = teamWhoseMemberNeverAnswers(memberModel, "the team goes on");
        Run<TeamRunOutput> run = team.startInBackground(RunRequest.builder("go").build());
        assertThat(memberModel.awaitCalls(1, WAIT)).isTrue();
        String memberRunId = owner.activeRunIds().stream().filter(id -> !id.equals(run.runId())).findFirst()
                .orElseThrow();

        assertThat(canceller.cancel(memberRunId, db).outcome()).isEqualTo(Outcome.REQUESTED);

        TeamRunOutput end = run.await();
        assertThat(end.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(end.memberResponses()).singleElement().extracting(RunResult::status)
                .isEqualTo(RunStatus.CANCELLED);
    }

    @Test
    void aRequestForARunThatAlreadyEndedChangesNothing() {
        Agent agent = Agent.builder().name("Writer").model(ScriptedModel.of(Reply.text("done"))).db(db)
                .runManager(owner).build();
        RunOutput out = agent.run("write");

        CancelResult result = canceller.cancel(out.runId(), db);

        assertThat(result.outcome()).isEqualTo(Outcome.ALREADY_FINISHED);
        assertThat(result.status()).contains(RunStatus.COMPLETED);
        assertThat(db.getRun(out.runId())).get().extracting(RunResult::content).isEqualTo("done");
    }

    /** A team on the owner that delegates to a member on {@code memberModel}, then answers {@code answer}. */
    private Team teamWhoseMemberNeverAnswers(ScriptedModel memberModel, String answer) {
        Agent researcher = Agent.builder().name("Researcher").model(memberModel).build();
        return Team.builder().name("Team").model(ScriptedModel.of(delegate("researcher", "find"), Reply.text(answer)))
                .members(researcher).db(db).runManager(owner).build();
    }
}
