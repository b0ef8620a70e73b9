package dev.cadre;

import static dev.cadre.Scripts.delegate;
import static dev.cadre.Scripts.delegateAll;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.event.RunEvent;
import dev.cadre.event.TeamRunCompleted;
import dev.cadre.model.ModelException;
import dev.cadre.model.ModelRequest;
import dev.cadre.model.Role;
import dev.cadre.testkit.ScriptedModel;
import dev.cadre.testkit.ScriptedModel.Reply;
import dev.cadre.model.ToolDefinition;
import dev.cadre.run.RunOutput;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.run.RunStream;
import dev.cadre.run.TeamRunOutput;
import dev.cadre.db.InMemoryDb;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TeamRunTest {

    private static Agent agent(String name, ScriptedModel model) {
        return Agent.builder().name(name).model(model).role("Role of " + name).build();
    }

    @Test
    void coordinateLeaderDelegatesToBothMembersThenAnswers() {
        ScriptedModel leader = ScriptedModel.of(
                delegate("researcher", "Gather key facts"),
                delegate("writer", "Summarise the facts"),
                Reply.text("Summary: ", "three laws."));
        Agent researcher = agent("Researcher", ScriptedModel.of(Reply.text("Fact 1. Fact 2.")));
        Agent writer = agent("Writer", ScriptedModel.of(Reply.text("A concise summary.")));
        InMemoryDb db = new InMemoryDb();
        Team team = Team.builder().name("ResearchTeam").model(leader).members(researcher, writer)
                .instructions("First, have the researcher gather key facts.",
                        "Then, have the writer create a concise summary.")
                .db(db).build();

        TeamRunOutput out = team.run("What are the three laws of thermodynamics?");

        assertThat(out.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(out.content()).isEqualTo("Summary: three laws.");
        assertThat(out.memberResponses()).extracting(RunResult::componentId).containsExactly("researcher", "writer");
        assertThat(out.memberResponses()).allSatisfy(m -> {
            assertThat(m.parentRunId()).contains(out.runId());
            assertThat(m.sessionId()).isEqualTo(out.sessionId());
            assertThat(m.status()).isEqualTo(RunStatus.COMPLETED);
        });
        assertThat(out.tools()).extracting(t -> t.childRunId().orElseThrow())
                .containsExactlyElementsOf(out.memberResponses().stream().map(RunResult::runId).toList());
        assertThat(out.memberResponses().get(0).input().inputContent()).isEqualTo("Gather key facts");
        // the leader saw the researcher's answer before delegating to the writer
        ModelRequest second = leader.requests().get(1);
        assertThat(second.messages().getLast().role()).isEqualTo(Role.TOOL);
        assertThat(second.messages().getLast().content()).isEqualTo("Fact 1. Fact 2.");
        assertThat(leader.requests().get(0).messages().getFirst().content())
                .contains("researcher", "writer", "First, have the researcher gather key facts.");
        // team run and member runs are stored, linked
        assertThat(db.getRun(out.runId())).get().isEqualTo(out);
        assertThat(db.listRuns(out.sessionId())).hasSize(1);
        assertThat(out.metrics().totalTokens()).isPositive();
        assertThat(out.metrics().duration()).isPresent();
    }

    @Test
    void delegationToolOffersTheMemberIdsAsAnEnum() {
        ScriptedModel leader = ScriptedModel.of(Reply.text("hi"));
        Team team = Team.builder().name("T").model(leader)
                .members(agent("Researcher", ScriptedModel.of()), agent("Writer", ScriptedModel.of())).build();
        team.run("hello");

        ToolDefinition tool = leader.requests().getFirst().tools().getFirst();
        assertThat(tool.name()).isEqualTo("delegate_task_to_member");
        JsonNode memberId = tool.parameters().path("properties").path("member_id");
        assertThat(memberId.path("enum")).extracting(JsonNode::asText).containsExactly("researcher", "writer");
        assertThat(tool.parameters().path("required")).extracting(JsonNode::asText).containsExactly("member_id", "task");
    }

    @Test
    void unknownMemberIdGivesTheModelTheValidIds() {
        ScriptedModel leader = ScriptedModel.of(delegate("editor", "x"), delegate("writer", "y"), Reply.text("ok"));
        Team team = Team.builder().name("T").model(leader)
                .members(agent("Researcher", ScriptedModel.of()), agent("Writer", ScriptedModel.of(Reply.text("w"))))
                .build();

        TeamRunOutput out = team.run("go");

        assertThat(out.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(out.tools().getFirst().toolCallError()).contains(true);
        assertThat(out.tools().getFirst().result()).get().asString()
                .contains("Member with ID editor not found", "researcher, writer");
        assertThat(out.memberResponses()).extracting(RunResult::componentId).containsExactly("writer");
    }

    @Test
    void routeModeReturnsTheChosenMembersAnswerAsIs() {
        ScriptedModel leader = ScriptedModel.of(delegate("writer", "Write it"));
        Team team = Team.builder().name("Router").model(leader).mode(TeamMode.ROUTE)
                .members(agent("Researcher", ScriptedModel.of()), agent("Writer", ScriptedModel.of(Reply.text("The essay."))))
                .build();

        TeamRunOutput out = team.run("essay please");

        assertThat(out.content()).isEqualTo("The essay.");
        assertThat(leader.requests()).hasSize(1);
        assertThat(out.tools().getFirst().stopAfterToolCall()).isTrue();
    }

    @Test
    void broadcastModeRunsAllMembersConcurrently() throws Exception {
        // Each member waits until both have started: only concurrent members can finish.
        AtomicInteger started = new AtomicInteger();
        CompletableFuture<Void> bothStarted = new CompletableFuture<>();
        java.util.function.Function<String, ScriptedModel> member = answer -> ScriptedModel.replying(req -> {
            if (started.incrementAndGet() == 2) {
                bothStarted.complete(null);
            }
            return Reply.text("").thenAwait(bothStarted).thenText(answer);
        });
        ScriptedModel leader = ScriptedModel.of(delegateAll("Opinions?"), Reply.text("Combined."));
        Team team = Team.builder().name("Panel").model(leader).mode(TeamMode.BROADCAST)
                .members(agent("Optimist", member.apply("Great.")), agent("Pessimist", member.apply("Awful.")))
                .build();

        TeamRunOutput out = team.runAsync("Opinions?").get(10, TimeUnit.SECONDS);

        assertThat(out.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(leader.requests().getFirst().tools()).extracting(ToolDefinition::name)
                .containsExactly("delegate_task_to_members");
        assertThat(out.tools().getFirst().result()).contains("Agent Optimist: Great.\n\nAgent Pessimist: Awful.");
        assertThat(out.memberResponses()).hasSize(2);
    }

    @Test
    void membersWithoutAModelUseTheLeadersModel() {
        ScriptedModel shared = ScriptedModel.of(delegate("helper", "do it"), Reply.text("member answer"),
                Reply.text("final"));
        Team team = Team.builder().name("T").model(shared)
                .members(Agent.builder().name("Helper").build()).build();

        TeamRunOutput out = team.run("go");

        assertThat(out.content()).isEqualTo("final");
        assertThat(out.memberResponses().getFirst().content()).isEqualTo("member answer");
    }

    @Test
    void aFailedMemberIsReportedToTheLeaderWhichCarriesOn() {
        ScriptedModel leader = ScriptedModel.of(delegate("researcher", "x"), Reply.text("I will answer myself."));
        Agent researcher = agent("Researcher", ScriptedModel.of(Reply.error(new ModelException("quota exceeded"))));
        Team team = Team.builder().name("T").model(leader).members(researcher).build();

        TeamRunOutput out = team.run("go");

        assertThat(out.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(out.memberResponses().getFirst().status()).isEqualTo(RunStatus.ERROR);
        assertThat(out.tools().getFirst().toolCallError()).contains(true);
        assertThat(leader.requests().get(1).messages().getLast().content())
                .isEqualTo("Member researcher failed: quota exceeded");
    }

    @Test
    void nestedTeamsRunAsMembersAndAreLinked() {
        Team inner = Team.builder().name("Inner").model(ScriptedModel.of(delegate("deep", "dig"), Reply.text("inner done")))
                .members(agent("Deep", ScriptedModel.of(Reply.text("deep answer")))).build();
        Team outer = Team.builder().name("Outer").model(ScriptedModel.of(delegate("inner", "go deeper"),
                Reply.text("outer done"))).members(inner).build();

        TeamRunOutput out = outer.run("start");

        TeamRunOutput innerRun = (TeamRunOutput) out.memberResponses().getFirst();
        assertThat(innerRun.content()).isEqualTo("inner done");
        assertThat(innerRun.parentRunId()).contains(out.runId());
        RunOutput deep = (RunOutput) innerRun.memberResponses().getFirst();
        assertThat(deep.parentRunId()).contains(innerRun.runId());
        assertThat(deep.sessionId()).isEqualTo(out.sessionId());
    }

    @Test
    void streamInterleavesMemberEventsWithTheTeamRunAsParent() {
        ScriptedModel leader = ScriptedModel.of(delegate("researcher", "x"), Reply.text("Fin", "al."));
        Team team = Team.builder().name("T").model(leader)
                .members(agent("Researcher", ScriptedModel.of(Reply.text("Mem", "ber.")))).build();
        List<RunEvent> events = new ArrayList<>();
        String runId;
        try (RunStream stream = team.stream("go")) {
            runId = stream.runId();
            stream.forEach(events::add);
        }

        assertThat(events).extracting(RunEvent::event).containsExactly(
                "TeamRunStarted", "TeamModelRequestStarted", "TeamModelRequestCompleted", "TeamToolCallStarted",
                "RunStarted", "ModelRequestStarted", "RunContent", "RunContent", "ModelRequestCompleted",
                "RunContentCompleted", "RunCompleted", "TeamToolCallCompleted", "TeamModelRequestStarted",
                "TeamRunContent", "TeamRunContent", "TeamModelRequestCompleted", "TeamRunContentCompleted",
                "TeamRunCompleted");
        assertThat(events).filteredOn(e -> e.event().startsWith("Run"))
                .allSatisfy(e -> assertThat(e.parentRunId()).contains(runId));
        assertThat(events.getLast()).isInstanceOfSatisfying(TeamRunCompleted.class, c -> {
            assertThat(c.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(c.content()).isEqualTo("Final.");
            assertThat(c.metrics().timeToFirstToken()).isPresent();
        });
    }

    @Test
    void streamWithoutEventsCarriesOnlyContentAndTheTerminalEvent() {
        Team team = Team.builder().name("T").model(ScriptedModel.of(Reply.text("a", "b"))).build();
        List<String> names = new ArrayList<>();
        try (RunStream stream = team.stream(dev.cadre.run.RunRequest.builder("go").streamEvents(false).build())) {
            stream.forEach(e -> names.add(e.event()));
        }
        assertThat(names).containsExactly("TeamRunContent", "TeamRunContent", "TeamRunCompleted");
    }

    @Test
    void idsDefaultToTheUrlSafeName() {
        Team team = Team.builder().name("Storytelling Team").model(ScriptedModel.of()).build();
        assertThat(team.id()).isEqualTo("storytelling-team");
        assertThat(Agent.builder().name("StorytellerAgent").build().id()).isEqualTo("storytelleragent");
    }

    @Test
    void duplicateMemberIdsAreRejectedAtBuild() {
        Agent a = Agent.builder().name("Same").build();
        Agent b = Agent.builder().name("same").build();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Team.builder().name("T").members(a, b).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two members with id 'same'");
    }

    @Test
    void aTeamWithoutAModelCannotRun() {
        Team team = Team.builder().name("T").build();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> team.run("x"))
                .isInstanceOf(IllegalStateException.class).hasMessage("Team 'T' has no model: set one with model(...)");
    }

    @Test
    void runsShareASessionWhenGivenItsId() {
        InMemoryDb db = new InMemoryDb();
        Team team = Team.builder().name("T").model(ScriptedModel.of(Reply.text("1"), Reply.text("2"))).db(db).build();
        TeamRunOutput first = team.run("one");
        TeamRunOutput second = team.run(dev.cadre.run.RunRequest.builder("two").sessionId(first.sessionId()).build());
        assertThat(second.sessionId()).isEqualTo(first.sessionId());
        assertThat(db.listRuns(first.sessionId())).extracting(RunResult::runId).containsExactly(first.runId(), second.runId());
        assertThat(team.getRunOutput(first.runId(), first.sessionId())).contains(first);
        assertThat(team.getRunOutput(first.runId(), "other-session")).isEmpty();
    }
}
