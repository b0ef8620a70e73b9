package dev.cadre;

import static dev.cadre.Scripts.count;
import static dev.cadre.Scripts.delegate;
import static dev.cadre.Scripts.delegateAll;
import static dev.cadre.Scripts.words;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.Scripts.Reader;
import dev.cadre.event.ContentEvent;
import dev.cadre.event.RunCancelled;
import dev.cadre.event.RunCompleted;
import dev.cadre.event.RunContent;
import dev.cadre.event.RunEvent;
import dev.cadre.event.TeamRunCancelled;
import dev.cadre.event.TeamRunCompleted;
import dev.cadre.event.TerminalEvent;
import dev.cadre.model.Message;
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
import dev.cadre.db.InMemoryDb;
import dev.cadre.tool.FunctionTool;
import dev.cadre.tool.Tool;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Cancellation, ported from Agno's own conformance tests (team and agent cancellation) and extended
 * with what Cadre promises beyond them: cancels that do not wait for the next chunk or for a tool.
 */
class CancellationTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final InMemoryDb db = new InMemoryDb();
    private final RunManager runs = RunManager.builder().build();

    /** A leader that streams 30 chunks, then stalls until cancelled: a cancel always lands mid-stream. */
    private Team streamingTeam() {
        Agent researcher = Agent.builder().name("Researcher").model(ScriptedModel.of()).role("Research").build();
        return Team.builder().name("Research Team").model(ScriptedModel.of(Reply.text(words(30)).thenBlock()))
                .members(researcher).db(db).runManager(runs).build();
    }

    private Agent streamingAgent() {
        return Agent.builder().name("Writer").model(ScriptedModel.of(Reply.text(words(30)).thenBlock(),
                Reply.text("Follow-up answer."))).db(db).runManager(runs).build();
    }

    private static boolean contentChunks(List<RunEvent> events, int n) {
        return events.stream().filter(e -> e instanceof ContentEvent).count() >= n;
    }

    // ---- team (Agno test_team_run_cancellation) ------------------------------------------------

    @Test
    void cancellingATeamDuringStreamingEndsWithExactlyOneTeamRunCancelled() throws Exception {
        Team team = streamingTeam();
        RunStream stream = team.stream("Write a long story");
        Scripts.Cancelled cancelled = Scripts.cancelWhen(team, stream, ev -> contentChunks(ev, 5));
        CancelResult result = cancelled.result();
        List<RunEvent> events = cancelled.events();
        assertThat(result.outcome()).isEqualTo(Outcome.CANCELLED);
        assertThat(count(events, TeamRunCancelled.class)).isEqualTo(1);
        assertThat(count(events, TeamRunCompleted.class)).isZero();
        assertThat(events.getLast()).isInstanceOfSatisfying(TeamRunCancelled.class,
                c -> assertThat(c.status()).isEqualTo(RunStatus.CANCELLED));
        assertThat(runs.activeRunIds()).doesNotContain(stream.runId());
    }

    @Test
    void aCancelledTeamRunKeepsItsPartialContentAndMessagesInTheDb() throws Exception {
        Team team = streamingTeam();
        RunStream stream = team.stream("Write a long story");
        Scripts.cancelWhen(team, stream, ev -> contentChunks(ev, 10));

        RunResult stored = db.getRun(stream.runId()).orElseThrow();
        assertThat(stored.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(stored.content()).startsWith("word0 word1 ").hasSizeGreaterThan(20).doesNotContain("was cancelled");
        assertThat(stored.messages()).isNotEmpty();
        assertThat(stored.messages().getLast().content()).isEqualTo(stored.content());
    }

    @Test
    void theTeamRunCancelledEventIsStoredWithTheRun() throws Exception {
        Team team = streamingTeam();
        RunStream stream = team.stream("story");
        Scripts.cancelWhen(team, stream, ev -> contentChunks(ev, 5));

        assertThat(db.getRun(stream.runId()).orElseThrow().events())
                .anySatisfy(e -> assertThat(e).isInstanceOf(TeamRunCancelled.class))
                .noneSatisfy(e -> assertThat(e).isInstanceOf(ContentEvent.class));
    }

    @Test
    void theStreamsResultIsTheCancelledRun() throws Exception {
        Team team = streamingTeam();
        RunStream stream = team.stream("story");
        Scripts.cancelWhen(team, stream, ev -> contentChunks(ev, 5));

        assertThat(stream.result()).isInstanceOfSatisfying(TeamRunOutput.class,
                r -> assertThat(r.status()).isEqualTo(RunStatus.CANCELLED));
    }

    @Test
    void cancellingAnAsyncTeamRunEndsItCancelledInTheDb() throws Exception {
        ScriptedModel leader = ScriptedModel.of(Reply.text(words(5)).thenBlock());
        Team team = Team.builder().name("T").model(leader).db(db).runManager(runs).build();
        String runId = UUID.randomUUID().toString();
        CompletableFuture<TeamRunOutput> run = team.runAsync(RunRequest.builder("go").runId(runId).build());
        assertThat(leader.awaitCalls(1, WAIT)).isTrue();

        team.cancelRun(runId);

        assertThat(run.get(10, TimeUnit.SECONDS).status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(db.getRun(runId)).get().extracting(RunResult::status).isEqualTo(RunStatus.CANCELLED);
        assertThat(runs.activeRunIds()).isEmpty();
    }

    @Test
    void cancellingAnUnknownRunSaysSo() {
        CancelResult result = streamingTeam().cancelRun("no-such-run");
        assertThat(result.outcome()).isEqualTo(Outcome.NOT_FOUND);
        assertThat(result.accepted()).isFalse();
        assertThat(result.message()).contains("No run no-such-run is known");
    }

    @Test
    void aSessionGoesOnAfterACancelledRun() throws Exception {
        ScriptedModel leader = ScriptedModel.of(Reply.text(words(10)).thenBlock(), Reply.text("Second answer."));
        Team team = Team.builder().name("T").model(leader).db(db).runManager(runs).build();
        RunStream stream = team.stream("first");
        Scripts.cancelWhen(team, stream, ev -> ev.getLast() instanceof TeamRunCancelled || contentChunks(ev, 8));

        TeamRunOutput next = team.run(RunRequest.builder("second").sessionId(stream.sessionId()).build());

        assertThat(next.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(db.listRuns(stream.sessionId())).extracting(RunResult::status)
                .containsExactly(RunStatus.CANCELLED, RunStatus.COMPLETED);
    }

    @Test
    void aCancelBeforeStartEndsABlockingRunCancelledAtOnce() {
        ScriptedModel leader = ScriptedModel.of(Reply.text("never"));
        Team team = Team.builder().name("T").model(leader).db(db).runManager(runs).build();
        String runId = UUID.randomUUID().toString();

        assertThat(team.cancelRun(runId).outcome()).isEqualTo(Outcome.NOT_FOUND);
        TeamRunOutput out = team.run(RunRequest.builder("go").runId(runId).build());

        assertThat(out.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(db.getRun(runId)).get().extracting(RunResult::status).isEqualTo(RunStatus.CANCELLED);
        assertThat(leader.requests()).isEmpty();
        assertThat(runs.pendingCancelCount()).isZero();
    }

    @Test
    void aCancelBeforeStartEndsAnAsyncRunCancelledAtOnce() throws Exception {
        ScriptedModel leader = ScriptedModel.of(Reply.text("never"));
        Team team = Team.builder().name("T").model(leader).db(db).runManager(runs).build();
        String runId = UUID.randomUUID().toString();
        team.cancelRun(runId);

        TeamRunOutput out = team.runAsync(RunRequest.builder("go").runId(runId).build()).get(10, TimeUnit.SECONDS);

        assertThat(out.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(db.getRun(runId)).get().extracting(RunResult::status).isEqualTo(RunStatus.CANCELLED);
    }

    @Test
    void aCancelledTeamRunKeepsItsCancelledMemberRunWithPartialContent() throws Exception {
        Agent researcher = Agent.builder().name("Researcher")
                .model(ScriptedModel.of(Reply.text(words(10)).thenBlock())).build();
        Team team = Team.builder().name("T").model(ScriptedModel.of(delegate("researcher", "research")))
                .members(researcher).db(db).runManager(runs).build();
        RunStream stream = team.stream("go");
        Scripts.Cancelled cancelled = Scripts.cancelWhen(team, stream, ev -> ev.stream().filter(e -> e instanceof RunContent).count() >= 5);
        List<RunEvent> events = cancelled.events();
        TeamRunOutput out = (TeamRunOutput) stream.result();
        assertThat(out.status()).isEqualTo(RunStatus.CANCELLED);
        RunResult member = out.memberResponses().getFirst();
        assertThat(member.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(member.content()).startsWith("word0 word1 word2 word3 word4");
        assertThat(member.parentRunId()).contains(out.runId());
        // the stream ends: member RunCancelled, then TeamRunCancelled
        List<RunEvent> terminals = events.stream().filter(e -> e instanceof TerminalEvent).toList();
        assertThat(terminals).hasSize(2);
        assertThat(terminals.get(0)).isInstanceOf(RunCancelled.class);
        assertThat(terminals.get(1)).isInstanceOf(TeamRunCancelled.class);
        assertThat(events.getLast()).isInstanceOf(TeamRunCancelled.class);
        // and both are in the db, linked
        TeamRunOutput stored = (TeamRunOutput) db.getRun(out.runId()).orElseThrow();
        assertThat(stored.memberResponses()).singleElement()
                .satisfies(m -> assertThat(m.status()).isEqualTo(RunStatus.CANCELLED));
    }

    @Test
    void aTeamCancelReachesNestedTeamsAndTheirMembers() throws Exception {
        Agent deep = Agent.builder().name("Deep").model(ScriptedModel.of(Reply.text("dig ").thenBlock())).build();
        Team inner = Team.builder().name("Inner").model(ScriptedModel.of(delegate("deep", "dig"))).members(deep).build();
        Team outer = Team.builder().name("Outer").model(ScriptedModel.of(delegate("inner", "go")))
                .members(inner).db(db).runManager(runs).build();
        RunStream stream = outer.stream("start");
        Scripts.Cancelled cancelled = Scripts.cancelWhen(outer, stream, ev -> ev.getLast() instanceof RunContent);
        List<RunEvent> events = cancelled.events();
        List<String> terminals = events.stream().filter(e -> e instanceof TerminalEvent)
                .map(e -> e.event() + ":" + e.componentId()).toList();
        assertThat(terminals).containsExactly("RunCancelled:deep", "TeamRunCancelled:inner", "TeamRunCancelled:outer");
        TeamRunOutput stored = (TeamRunOutput) db.getRun(stream.runId()).orElseThrow();
        TeamRunOutput innerRun = (TeamRunOutput) stored.memberResponses().getFirst();
        assertThat(innerRun.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(innerRun.memberResponses().getFirst().status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(innerRun.memberResponses().getFirst().content()).isEqualTo("dig ");
    }

    @Test
    void aBroadcastCancelStopsEveryMember() throws Exception {
        java.util.function.Function<String, Agent> member = name -> Agent.builder().name(name)
                .model(ScriptedModel.of(Reply.text("thinking ").thenBlock())).build();
        Team team = Team.builder().name("Panel").mode(TeamMode.BROADCAST).model(ScriptedModel.of(delegateAll("go")))
                .members(member.apply("A"), member.apply("B")).db(db).runManager(runs).build();
        RunStream stream = team.stream("go");
        Scripts.cancelWhen(team, stream, ev -> ev.stream().filter(e -> e instanceof RunContent).count() == 2);
        TeamRunOutput out = (TeamRunOutput) stream.result();
        assertThat(out.memberResponses()).hasSize(2)
                .allSatisfy(m -> assertThat(m.status()).isEqualTo(RunStatus.CANCELLED));
    }

    @Test
    void aCancelledTeamRunKeepsItsCancelledMemberRunWhenRunAsync() throws Exception {
        ScriptedModel memberModel = ScriptedModel.of(Reply.text("half an answer").thenBlock());
        Agent researcher = Agent.builder().name("Researcher").model(memberModel).build();
        Team team = Team.builder().name("T").model(ScriptedModel.of(delegate("researcher", "research")))
                .members(researcher).db(db).runManager(runs).build();
        String runId = UUID.randomUUID().toString();
        CompletableFuture<TeamRunOutput> run = team.runAsync(RunRequest.builder("go").runId(runId).build());
        assertThat(memberModel.awaitCalls(1, WAIT)).isTrue();

        team.cancelRun(runId);

        TeamRunOutput out = run.get(10, TimeUnit.SECONDS);
        assertThat(out.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(out.memberResponses()).singleElement().satisfies(m -> {
            assertThat(m.status()).isEqualTo(RunStatus.CANCELLED);
            assertThat(m.parentRunId()).contains(runId);
        });
        assertThat(((TeamRunOutput) db.getRun(runId).orElseThrow()).memberResponses()).hasSize(1);
    }

    // ---- agent (Agno test_agent_run_cancellation) ------------------------------------------------

    @Test
    void aCancelledAgentStreamKeepsItsPartialContentAndItsCancelledEventInTheDb() throws Exception {
        Agent agent = streamingAgent();
        RunStream stream = agent.stream("Write a long essay");
        Scripts.Cancelled cancelled = Scripts.cancelWhen(agent, stream, ev -> contentChunks(ev, 5));
        List<RunEvent> events = cancelled.events();
        assertThat(count(events, RunCancelled.class)).isEqualTo(1);
        assertThat(events.stream().filter(e -> e instanceof ContentEvent).count()).isGreaterThanOrEqualTo(5);
        RunResult stored = db.getRun(stream.runId()).orElseThrow();
        assertThat(stored.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(stored.content()).startsWith("word0 ").hasSizeGreaterThan(20).doesNotContain("was cancelled");
        assertThat(stored.messages()).isNotEmpty();
        assertThat(stored.events()).anySatisfy(e -> assertThat(e).isInstanceOf(RunCancelled.class));
        assertThat(runs.activeRunIds()).doesNotContain(stream.runId());
    }

    @Test
    void aCancelBeforeStartEndsAnAgentRunCancelledBlockingOrAsync() throws Exception {
        ScriptedModel model = ScriptedModel.of(Reply.text("never"));
        Agent agent = Agent.builder().name("A").model(model).db(db).runManager(runs).build();
        String blocking = UUID.randomUUID().toString();
        String async = UUID.randomUUID().toString();
        agent.cancelRun(blocking);
        agent.cancelRun(async);

        RunOutput first = agent.run(RunRequest.builder("go").runId(blocking).build());
        RunOutput second = agent.runAsync(RunRequest.builder("go").runId(async).build()).get(10, TimeUnit.SECONDS);

        assertThat(List.of(first, second)).allSatisfy(r -> assertThat(r.status()).isEqualTo(RunStatus.CANCELLED));
        assertThat(db.getRun(blocking)).get().extracting(RunResult::status).isEqualTo(RunStatus.CANCELLED);
        assertThat(db.getRun(async)).get().extracting(RunResult::status).isEqualTo(RunStatus.CANCELLED);
        assertThat(model.requests()).isEmpty();
    }

    @Test
    void anAgentSessionGoesOnAfterACancelledRun() throws Exception {
        Agent agent = streamingAgent();
        RunStream stream = agent.stream("first");
        Scripts.cancelWhen(agent, stream, ev -> contentChunks(ev, 8));

        RunOutput next = agent.run(RunRequest.builder("second").sessionId(stream.sessionId()).build());

        assertThat(next.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(next.content()).isEqualTo("Follow-up answer.");
        assertThat(db.listRuns(stream.sessionId())).extracting(RunResult::status)
                .containsExactly(RunStatus.CANCELLED, RunStatus.COMPLETED);
    }

    @Test
    void cancellingOnTheFirstEventGivesExactlyOneRunCancelled() throws Exception {
        Agent agent = streamingAgent();
        RunStream stream = agent.stream("go");
        Scripts.Cancelled cancelled = Scripts.cancelWhen(agent, stream, ev -> true);
        List<RunEvent> events = cancelled.events();
        assertThat(count(events, RunCancelled.class)).isEqualTo(1);
        assertThat(count(events, RunCompleted.class)).isZero();
        assertThat(events.getLast()).isInstanceOf(RunCancelled.class);
    }

    @Test
    void cancelIsIdempotent() throws Exception {
        Agent agent = streamingAgent();
        RunStream stream = agent.stream("go");
        Reader reader = new Reader(stream, ev -> contentChunks(ev, 3));
        reader.trigger.get(10, TimeUnit.SECONDS);

        CancelResult first = agent.cancelRun(stream.runId());
        CancelResult second = agent.cancelRun(stream.runId());
        List<RunEvent> events = reader.done.get(10, TimeUnit.SECONDS);
        CancelResult third = agent.cancelRun(stream.runId());

        assertThat(first.outcome()).isEqualTo(Outcome.CANCELLED);
        assertThat(second.status()).contains(RunStatus.CANCELLED);
        assertThat(third.outcome()).isEqualTo(Outcome.ALREADY_FINISHED);
        assertThat(third.status()).contains(RunStatus.CANCELLED);
        assertThat(count(events, RunCancelled.class)).isEqualTo(1);
        assertThat(db.getRun(stream.runId())).get().extracting(RunResult::status).isEqualTo(RunStatus.CANCELLED);
    }

    @Test
    void aCancelDuringAToolCallInterruptsTheTool() throws Exception {
        CountDownLatch toolStarted = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        Tool slow = FunctionTool.of("slow_lookup", "blocks for an hour", ctx -> {
            toolStarted.countDown();
            try {
                new CountDownLatch(1).await(1, TimeUnit.HOURS);
                return "finished";
            } catch (InterruptedException e) {
                interrupted.set(true);
                throw e;
            }
        });
        ScriptedModel model = ScriptedModel.of(Reply.text("Let me look. ").thenToolCall("slow_lookup", "{}"),
                Reply.text("never"));
        Agent agent = Agent.builder().name("A").model(model).tools(slow).db(db).runManager(runs).build();
        String runId = UUID.randomUUID().toString();
        CompletableFuture<RunOutput> run = agent.runAsync(RunRequest.builder("go").runId(runId).build());
        assertThat(toolStarted.await(10, TimeUnit.SECONDS)).isTrue();

        agent.cancelRun(runId);

        RunOutput out = run.get(10, TimeUnit.SECONDS);
        assertThat(out.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(interrupted).isTrue();
        assertThat(model.requests()).hasSize(1);
        assertThat(db.getRun(runId)).get().extracting(RunResult::status).isEqualTo(RunStatus.CANCELLED);
        assertThat(out.content()).isEqualTo("Let me look. ");
    }

    @Test
    void aToolCanCancelItsOwnRun() {
        Agent[] self = new Agent[1];
        Tool stop = FunctionTool.of("stop_now", "cancels the run", ctx -> self[0].cancelRun(ctx.runId()).message());
        ScriptedModel model = ScriptedModel.of(Reply.toolCall("stop_now", "{}"), Reply.text("never"));
        self[0] = Agent.builder().name("A").model(model).tools(stop).db(db).runManager(runs).build();

        RunOutput out = self[0].run("go");

        assertThat(out.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(out.messages()).extracting(Message::content).contains("go");
        assertThat(db.getRun(out.runId()).orElseThrow().messages()).isNotEmpty();
        assertThat(model.requests()).hasSize(1);
    }

    @Test
    void aCancelDoesNotWaitForTheNextChunk() throws Exception {
        // the model sends one chunk, then never another: only an abort can end the call
        ScriptedModel model = ScriptedModel.of(Reply.text("partial ").thenBlock());
        Agent agent = Agent.builder().name("A").model(model).db(db).runManager(runs).build();
        RunStream stream = agent.stream("go");
        Scripts.cancelWhen(agent, stream, ev -> ev.getLast() instanceof RunContent);
        assertThat(stream.result().content()).isEqualTo("partial ");
        assertThat(model.awaitAbortedCalls(1, WAIT)).isTrue();
    }

    @Test
    void aNonStreamingRunIsCancelledMidModelCall() throws Exception {
        ScriptedModel model = ScriptedModel.of(Reply.stall());
        Agent agent = Agent.builder().name("A").model(model).db(db).runManager(runs).build();
        String runId = UUID.randomUUID().toString();
        CompletableFuture<RunOutput> run = agent.runAsync(RunRequest.builder("go").runId(runId).build());
        assertThat(model.awaitCalls(1, WAIT)).isTrue();

        agent.cancelRun(runId);

        RunOutput out = run.get(10, TimeUnit.SECONDS);
        assertThat(out.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(out.content()).isEqualTo("Run " + runId + " was cancelled");
        assertThat(model.awaitAbortedCalls(1, WAIT)).isTrue();
    }

    @Test
    void cancellingAFinishedRunChangesNothingAndSaysHowItEnded() {
        Agent agent = Agent.builder().name("A").model(ScriptedModel.of(Reply.text("done"))).db(db).runManager(runs).build();
        RunOutput out = agent.run("go");

        CancelResult result = agent.cancelRun(out.runId());

        assertThat(result.outcome()).isEqualTo(Outcome.ALREADY_FINISHED);
        assertThat(result.status()).contains(RunStatus.COMPLETED);
        assertThat(db.getRun(out.runId())).get().extracting(RunResult::status).isEqualTo(RunStatus.COMPLETED);
        assertThat(runs.pendingCancelCount()).isZero();
    }

    @Test
    void closingAStreamEarlyCancelsTheRun() {
        Agent agent = streamingAgent();
        String runId;
        try (RunStream stream = agent.stream("go")) {
            runId = stream.runId();
            Iterator<RunEvent> it = stream.iterator();
            while (!(it.next() instanceof RunContent)) {
                // read up to the first chunk, then walk away
            }
        }
        assertThat(db.getRun(runId)).get().extracting(RunResult::status).isEqualTo(RunStatus.CANCELLED);
        assertThat(runs.activeRunIds()).doesNotContain(runId);
    }

    @Test
    void interruptingAThreadBlockedInRunCancelsTheRun() throws Exception {
        ScriptedModel model = ScriptedModel.of(Reply.stall());
        Agent agent = Agent.builder().name("A").model(model).db(db).runManager(runs).build();
        CompletableFuture<RunOutput> result = new CompletableFuture<>();
        Thread caller = Thread.ofVirtual().start(() -> result.complete(agent.run("go")));
        assertThat(model.awaitCalls(1, WAIT)).isTrue();

        caller.interrupt();

        assertThat(result.get(10, TimeUnit.SECONDS).status()).isEqualTo(RunStatus.CANCELLED);
    }

    @Test
    void historyIncludesACancelledRunsPartialAnswerMarkedAsInterrupted() throws Exception {
        ScriptedModel model = ScriptedModel.of(Reply.text("Once upon ", "a time").thenBlock(), Reply.text("ok"));
        Agent agent = Agent.builder().name("A").model(model).db(db).runManager(runs).addHistoryToContext(true).build();
        RunStream stream = agent.stream("Tell a story");
        Scripts.cancelWhen(agent, stream, ev -> contentChunks(ev, 2));

        agent.run(RunRequest.builder("Go on").sessionId(stream.sessionId()).build());

        List<Message> history = model.requests().get(1).messages().stream().filter(Message::fromHistory).toList();
        assertThat(history).extracting(Message::content).containsExactly("Tell a story",
                "Once upon a time\n\n[This answer was interrupted: the run was cancelled before it finished.]");
    }
}
