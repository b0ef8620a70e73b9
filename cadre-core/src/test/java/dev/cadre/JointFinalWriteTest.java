package dev.cadre;

import static dev.cadre.Scripts.delegate;
import static dev.cadre.Scripts.delegateAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.db.DbException;
import dev.cadre.db.ForwardingDb;
import dev.cadre.db.InMemoryDb;
import dev.cadre.event.RunContent;
import dev.cadre.event.RunEvent;
import dev.cadre.event.TerminalEvent;
import dev.cadre.run.RunInfo;
import dev.cadre.run.RunListener;
import dev.cadre.run.RunRequest;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.run.RunStream;
import dev.cadre.run.TeamRunOutput;
import dev.cadre.testkit.ScriptedModel;
import dev.cadre.testkit.ScriptedModel.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A cancelled team run's end is written together with the ends of its members that end meanwhile: one store call
 * ({@code finishRuns}), members first — one commit on the cancel's path instead of one per run, one after another.
 * Nothing of "committed before announced" is given up: a member's terminal event, its listeners' {@code runEnded}
 * and the team's terminal event all come once both ends are stored.
 */
class JointFinalWriteTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    /** An in-memory store that records its final writes: each {@code finishRuns} call, and each single one. */
    static final class RecordingDb extends ForwardingDb {
        final List<List<String>> together = new CopyOnWriteArrayList<>();
        final List<String> alone = new CopyOnWriteArrayList<>();
        final AtomicInteger refuseTogether = new AtomicInteger();

        RecordingDb() {
            super(new InMemoryDb());
        }

        @Override
        public List<Boolean> finishRuns(List<RunResult> runs, String ownerInstanceId) {
            if (refuseTogether.getAndDecrement() > 0) {
                throw new DbException(DbException.Kind.UNAVAILABLE, "the test store takes no ends together");
            }
            together.add(runs.stream().map(RunResult::runId).toList());
            List<Boolean> accepted = new ArrayList<>();
            for (RunResult run : runs) {
                accepted.add(delegate().finishRun(run, ownerInstanceId));
            }
            return accepted;
        }

        @Override
        public boolean finishRun(RunResult run, String ownerInstanceId) {
            alone.add(run.runId());
            return super.finishRun(run, ownerInstanceId);
        }

        RunStatus statusOf(String runId) {
            return getRun(runId).map(RunResult::status).orElseThrow();
        }
    }

    @Test
    void aCancelledTeamRunIsWrittenWithItsCancelledMemberInOneStoreCallMemberFirst() throws Exception {
        RecordingDb db = new RecordingDb();

        TeamRunOutput out = cancelledWhileItsMemberAnswers(db);

        String memberRunId = out.memberResponses().getFirst().runId();
        assertThat(db.together).containsExactly(List.of(memberRunId, "team-run"));
        assertThat(db.alone).isEmpty();
        assertThat(db.statusOf(memberRunId)).isEqualTo(RunStatus.CANCELLED);
        assertThat(db.statusOf("team-run")).isEqualTo(RunStatus.CANCELLED);
    }

    /** A team run ("team-run") on {@code db}, cancelled while its member's model is answering; its end. */
    private static TeamRunOutput cancelledWhileItsMemberAnswers(RecordingDb db) throws Exception {
        ScriptedModel memberModel = ScriptedModel.of(Reply.text("half an answer").thenBlock());
        Team team = Team.builder().name("T").model(ScriptedModel.of(delegate("researcher", "research")))
                .members(Agent.builder().name("Researcher").model(memberModel).build())
                .db(db).runManager(RunManager.builder().build()).build();
        var run = team.runAsync(RunRequest.builder("go").runId("team-run").build());
        assertThat(memberModel.awaitCalls(1, WAIT)).isTrue();
        team.cancelRun("team-run");
        return run.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void theMembersEndIsAnnouncedOnlyOnceBothEndsAreStoredAndBeforeTheTeams() throws Exception {
        RecordingDb db = new RecordingDb();
        Map<String, RunStatus> storedWhenEnded = new ConcurrentHashMap<>();
        List<String> heard = new CopyOnWriteArrayList<>();
        RunListener listener = new RunListener() {
            @Override
            public void runEnded(RunInfo run, RunResult end) {
                // What the store holds at the moment the listener hears of the end, for the run and its team.
                storedWhenEnded.put(run.runId(), db.statusOf(run.runId()));
                run.parentRunId().ifPresent(p -> storedWhenEnded.put("team-of-" + run.runId(), db.statusOf(p)));
                heard.add("runEnded:" + run.componentId() + ":" + end.status());
            }

            @Override
            public void delegationEnded(RunInfo team, RunInfo member, RunResult end) {
                heard.add("delegationEnded:" + member.componentId() + ":" + end.status());
            }
        };
        Team team = Team.builder().name("T").model(ScriptedModel.of(delegate("researcher", "research")))
                .members(Agent.builder().name("Researcher")
                        .model(ScriptedModel.of(Reply.text("half ").thenBlock())).build())
                .db(db).runManager(RunManager.builder().listener(listener).build()).build();
        RunStream stream = team.stream(RunRequest.builder("go").runId("team-run").build());
        List<RunEvent> events = Scripts.cancelWhen(team, stream, ev -> ev.getLast() instanceof RunContent).events();

        List<String> terminals = events.stream().filter(e -> e instanceof TerminalEvent)
                .map(e -> e.event() + ":" + e.componentId()).toList();
        assertThat(terminals).containsExactly("RunCancelled:researcher", "TeamRunCancelled:t");
        String memberRunId = ((TeamRunOutput) stream.result()).memberResponses().getFirst().runId();
        assertThat(db.together).containsExactly(List.of(memberRunId, "team-run"));
        assertThat(storedWhenEnded).containsEntry(memberRunId, RunStatus.CANCELLED)
                .containsEntry("team-of-" + memberRunId, RunStatus.CANCELLED)
                .containsEntry("team-run", RunStatus.CANCELLED);
        assertThat(heard).containsExactly("runEnded:researcher:CANCELLED", "delegationEnded:researcher:CANCELLED",
                "runEnded:t:CANCELLED");
    }

    @Test
    void nestedTeamsAndBroadcastMembersAreAllWrittenInTheTopTeamsOneCall() throws Exception {
        RecordingDb db = new RecordingDb();
        java.util.function.Function<String, Agent> member = name -> Agent.builder().name(name)
                .model(ScriptedModel.of(Reply.text("thinking ").thenBlock())).build();
        Team panel = Team.builder().name("Panel").mode(TeamMode.BROADCAST).model(ScriptedModel.of(delegateAll("go")))
                .members(member.apply("A"), member.apply("B")).build();
        Team outer = Team.builder().name("Outer").model(ScriptedModel.of(delegate("panel", "ask")))
                .members(panel).db(db).runManager(RunManager.builder().build()).build();
        RunStream stream = outer.stream(RunRequest.builder("start").runId("outer-run").build());
        Scripts.cancelWhen(outer, stream, ev -> ev.stream().filter(e -> e instanceof RunContent).count() == 2);

        TeamRunOutput out = (TeamRunOutput) stream.result();
        TeamRunOutput panelRun = (TeamRunOutput) out.memberResponses().getFirst();
        assertThat(db.alone).isEmpty();
        assertThat(db.together).singleElement().satisfies(ids -> {
            assertThat(ids).hasSize(4).endsWith(panelRun.runId(), "outer-run");
            assertThat(ids.subList(0, 2)).containsExactlyInAnyOrderElementsOf(
                    panelRun.memberResponses().stream().map(RunResult::runId).toList());
        });
        assertThat(List.of(db.statusOf("outer-run"), db.statusOf(panelRun.runId())))
                .containsOnly(RunStatus.CANCELLED);
    }

    @Test
    void whenTheStoreCannotTakeTheEndsTogetherEachIsWrittenOnItsOwnMembersFirst() throws Exception {
        RecordingDb db = new RecordingDb();
        db.refuseTogether.set(1);

        TeamRunOutput out = cancelledWhileItsMemberAnswers(db);

        String memberRunId = out.memberResponses().getFirst().runId();
        assertThat(db.together).isEmpty();
        assertThat(db.alone).containsExactly(memberRunId, "team-run");
        assertThat(db.statusOf(memberRunId)).isEqualTo(RunStatus.CANCELLED);
        assertThat(out.status()).isEqualTo(RunStatus.CANCELLED);
    }

    @Test
    void aMemberCancelledOnItsOwnIsWrittenAloneAndItsTeamGoesOn() throws Exception {
        RecordingDb db = new RecordingDb();
        ScriptedModel memberModel = ScriptedModel.of(Reply.text("half").thenBlock());
        java.util.concurrent.CompletableFuture<String> memberRun = new java.util.concurrent.CompletableFuture<>();
        RunListener delegations = new RunListener() {
            @Override
            public void delegationStarted(RunInfo team, RunInfo member, String task) {
                memberRun.complete(member.runId());
            }
        };
        Team team = Team.builder().name("T")
                .model(ScriptedModel.of(delegate("researcher", "research"), Reply.text("done without it")))
                .members(Agent.builder().name("Researcher").model(memberModel).build())
                .db(db).runManager(RunManager.builder().listener(delegations).build()).build();
        var run = team.runAsync(RunRequest.builder("go").runId("team-run").build());
        assertThat(memberModel.awaitCalls(1, WAIT)).isTrue();
        String memberRunId = memberRun.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        team.cancelRun(memberRunId);

        TeamRunOutput out = run.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(out.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(db.together).isEmpty();
        assertThat(db.alone).containsExactly(memberRunId, "team-run");
    }
}
