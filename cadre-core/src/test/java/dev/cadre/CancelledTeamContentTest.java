package dev.cadre;

import static dev.cadre.Scripts.delegate;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.event.ContentEvent;
import dev.cadre.event.ModelRequestStarted;
import dev.cadre.event.RunCancelled;
import dev.cadre.event.RunContent;
import dev.cadre.event.RunEvent;
import dev.cadre.event.TeamRunCancelled;
import dev.cadre.event.TeamRunContent;
import dev.cadre.json.CadreJson;
import dev.cadre.testkit.ScriptedModel;
import dev.cadre.testkit.ScriptedModel.Reply;
import dev.cadre.run.RunRequest;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.run.RunStream;
import dev.cadre.run.TeamRunOutput;
import dev.cadre.db.InMemoryDb;
import dev.cadre.tool.FunctionTool;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * What a cancelled team run says it answered, as in Agno: while it streams, the team run's content is
 * its leader's text of every turn so far, with the text its members stream added as it comes (pieces of
 * answer and their tools' results); a turn of the leader's own starts it again from the leader's text.
 * Cancelled, the run keeps that as its partial answer, in the store and in {@code TeamRunCancelled}; only
 * when nothing was streamed is its content the reason. Every cancel here lands while a model call is
 * held by the script, never after a pause.
 */
class CancelledTeamContentTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final InMemoryDb db = new InMemoryDb();
    private final RunManager runs = RunManager.builder().build();

    private Team team(ScriptedModel leader, Component<?>... members) {
        return Team.builder().name("ResearchTeam").model(leader).members(members).db(db).runManager(runs).build();
    }

    private static Agent researcher(Reply... replies) {
        return Agent.builder().name("Researcher").model(ScriptedModel.of(replies))
                .tools(FunctionTool.of("lookup", "Looks a topic up.", ctx -> "found")).build();
    }

    /** The stream's events after cancelling the run once {@code when} holds. */
    private static List<RunEvent> cancelWhen(Team team, RunStream stream, Predicate<List<RunEvent>> when)
            throws Exception {
        return Scripts.cancelWhen(team, stream, when).events();
    }

    private static Predicate<List<RunEvent>> memberContent(String text) {
        return events -> String.join("", events.stream().filter(e -> e instanceof RunContent)
                .map(e -> ((ContentEvent) e).content()).toList()).equals(text);
    }

    private TeamRunOutput stored(RunStream stream) {
        return (TeamRunOutput) db.getRun(stream.runId()).orElseThrow();
    }

    private static TeamRunCancelled teamCancelled(List<RunEvent> events) {
        return (TeamRunCancelled) events.getLast();
    }

    @Test
    void aTeamCancelledWhileItsMemberStreamsKeepsTheMembersTextAsItsPartialAnswer() throws Exception {
        Team team = team(ScriptedModel.of(delegate("researcher", "What is entropy?")),
                researcher(Reply.text("the first ", "law").thenBlock()));
        RunStream stream = team.stream("What is entropy?");

        List<RunEvent> events = cancelWhen(team, stream, memberContent("the first law"));

        TeamRunCancelled end = teamCancelled(events);
        assertThat(end.content()).isEqualTo("the first law");
        assertThat(end.reason()).isEqualTo("Run " + stream.runId() + " was cancelled");
        assertThat(stored(stream).content()).isEqualTo("the first law");
        assertThat(stored(stream).status()).isEqualTo(RunStatus.CANCELLED);
        RunCancelled member = events.stream().filter(e -> e instanceof RunCancelled).map(e -> (RunCancelled) e)
                .findFirst().orElseThrow();
        assertThat(member.content()).isEqualTo("the first law");
        assertThat(member.reason()).as("as in Agno, the member's own run").isEqualTo(
                "Run " + member.runId() + " was cancelled");
        assertThat(member.parentRunId()).contains(stream.runId());
        assertThat(CadreJson.tree(member).get("nested_depth").asInt()).isZero();
        RunResult memberRun = stored(stream).memberResponses().getFirst();
        assertThat(memberRun.content()).isEqualTo("the first law");
        assertThat(memberRun.modelProviderData()).as("the response was named before its first token")
                .containsKey("response_id");
    }

    @Test
    void aTeamCancelledBeforeAnythingWasStreamedAnswersWithTheReason() throws Exception {
        Team team = team(ScriptedModel.of(delegate("researcher", "What is entropy?")), researcher(Reply.stall()));
        RunStream stream = team.stream("What is entropy?");

        List<RunEvent> events = cancelWhen(team, stream, ev -> ev.getLast() instanceof ModelRequestStarted);

        String reason = "Run " + stream.runId() + " was cancelled";
        assertThat(teamCancelled(events).content()).isEqualTo(reason);
        assertThat(stored(stream).content()).isEqualTo(reason);
        RunResult member = stored(stream).memberResponses().getFirst();
        assertThat(member.content()).isEqualTo("Run " + member.runId() + " was cancelled");
    }

    @Test
    void theLeadersOwnTextComesFirstAndTheMembersTextIsAddedToIt() throws Exception {
        Team team = team(ScriptedModel.of(Reply.text("Let me ask. ").thenToolCall("delegate_task_to_member",
                "{\"member_id\":\"researcher\",\"task\":\"facts\"}")), researcher(Reply.text("the first law").thenBlock()));
        RunStream stream = team.stream("What is entropy?");

        List<RunEvent> events = cancelWhen(team, stream, memberContent("the first law"));

        assertThat(teamCancelled(events).content()).isEqualTo("Let me ask. the first law");
        assertThat(stored(stream).content()).isEqualTo("Let me ask. the first law");
    }

    @Test
    void aNewTurnOfTheLeaderStartsTheContentAgainFromTheLeadersText() throws Exception {
        Team team = team(ScriptedModel.of(delegate("researcher", "facts"), Reply.text("In short: ").thenBlock()),
                researcher(Reply.text("the first law")));
        RunStream stream = team.stream("What is entropy?");

        List<RunEvent> events = cancelWhen(team, stream, ev -> ev.getLast() instanceof TeamRunContent);

        assertThat(teamCancelled(events).content()).isEqualTo("In short: ");
        assertThat(stored(stream).content()).isEqualTo("In short: ");
    }

    @Test
    void aMembersToolResultsCountAsStreamedTextAsInAgno() throws Exception {
        Team team = team(ScriptedModel.of(delegate("researcher", "facts")),
                researcher(Reply.toolCall("lookup", "{}"), Reply.text("the first law").thenBlock()));
        RunStream stream = team.stream("What is entropy?");

        List<RunEvent> events = cancelWhen(team, stream, memberContent("the first law"));

        assertThat(teamCancelled(events).content()).isEqualTo("foundthe first law");
        RunResult member = stored(stream).memberResponses().getFirst();
        assertThat(member.content()).as("the member's own answer has no tool results").isEqualTo("the first law");
    }

    @Test
    void everyTeamAboveAStreamingMemberKeepsItsText() throws Exception {
        Agent deep = Agent.builder().name("Deep").model(ScriptedModel.of(Reply.text("dig ").thenBlock())).build();
        Team inner = Team.builder().name("Inner").model(ScriptedModel.of(delegate("deep", "dig"))).members(deep).build();
        Team outer = team(ScriptedModel.of(delegate("inner", "go")), inner);
        RunStream stream = outer.stream("start");

        List<RunEvent> events = cancelWhen(outer, stream, memberContent("dig "));

        assertThat(events).filteredOn(e -> e instanceof TeamRunCancelled)
                .extracting(e -> e.componentId() + ":" + ((TeamRunCancelled) e).content())
                .containsExactly("inner:dig ", "researchteam:dig ");
        TeamRunOutput innerRun = (TeamRunOutput) stored(stream).memberResponses().getFirst();
        assertThat(innerRun.content()).isEqualTo("dig ");
        assertThat(stored(stream).content()).isEqualTo("dig ");
    }

    @Test
    void aTeamRunThatIsNotStreamedStreamsNothingAndAnswersWithTheReason() throws Exception {
        ScriptedModel member = ScriptedModel.of(Reply.stall());
        Team team = team(ScriptedModel.of(delegate("researcher", "facts")),
                Agent.builder().name("Researcher").model(member).build());
        String runId = UUID.randomUUID().toString();
        CompletableFuture<TeamRunOutput> run = team.runAsync(RunRequest.builder("go").runId(runId).build());
        assertThat(member.awaitCalls(1, WAIT)).isTrue();

        team.cancelRun(runId);

        TeamRunOutput out = run.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(out.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(out.content()).isEqualTo("Run " + runId + " was cancelled");
    }
}
