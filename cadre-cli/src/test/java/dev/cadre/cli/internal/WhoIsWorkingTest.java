package dev.cadre.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.Agent;
import dev.cadre.Team;
import dev.cadre.event.RunEvent;
import dev.cadre.run.Run;
import dev.cadre.run.RunStream;
import dev.cadre.run.TeamRunOutput;
import dev.cadre.testkit.ScriptedModel;
import dev.cadre.testkit.ScriptedModel.Reply;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link WhoIsWorking}: the blocking spinner names the member a team is waiting for. */
class WhoIsWorkingTest {

    @Test
    void namesTheMemberWhileItsRunIsGoingAndTheTeamAgainAfter() throws Exception {
        Agent researcher = Agent.builder().name("Researcher").model(ScriptedModel.of(Reply.text("facts"))).build();
        Agent analyst = Agent.builder().name("Analyst").model(ScriptedModel.of(Reply.text("numbers"))).build();
        Team inner = Team.builder().name("Analysis").model(ScriptedModel.of(
                Reply.toolCall("delegate_task_to_member", "{\"member_id\":\"analyst\",\"task\":\"count\"}"),
                Reply.text("counted"))).members(analyst).build();
        Team team = Team.builder().name("Team").model(ScriptedModel.of(
                Reply.toolCall("delegate_task_to_member", "{\"member_id\":\"researcher\",\"task\":\"find\"}"),
                Reply.toolCall("delegate_task_to_member", "{\"member_id\":\"analysis\",\"task\":\"count\"}"),
                Reply.text("done"))).members(researcher, inner).build();

        WhoIsWorking who = new WhoIsWorking("Team");
        List<String> labels = new ArrayList<>(List.of(who.label()));
        Run<TeamRunOutput> run = team.start("go");
        try (RunStream events = run.events()) {
            for (RunEvent e : events) {
                who.accept(e);
                if (!labels.getLast().equals(who.label())) {
                    labels.add(who.label());
                }
            }
        }

        assertThat(run.await().content()).isEqualTo("done");
        assertThat(labels).containsExactly("Team is working", "Team → Researcher is working", "Team is working",
                "Team → Analysis is working", "Team → Analyst is working", "Team → Analysis is working",
                "Team is working");
    }
}
