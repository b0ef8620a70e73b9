package dev.cadre.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.Agent;
import dev.cadre.Team;
import dev.cadre.event.ModelRequestCompleted;
import dev.cadre.event.RunContent;
import dev.cadre.event.TeamRunCompleted;
import dev.cadre.testkit.ScriptedModel;
import dev.cadre.testkit.ScriptedModel.Reply;
import dev.cadre.model.Usage;
import dev.cadre.run.RunMetrics;
import dev.cadre.run.RunOutput;
import dev.cadre.run.RunResult;
import dev.cadre.run.TeamRunOutput;
import dev.cadre.run.ToolExecution;
import dev.cadre.tool.FunctionTool;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The JSON of runs has the fields of Agno's {@code RunOutput.to_dict()} and reads back unchanged. */
class AgnoRunFieldsTest {

    private static Team team() {
        Agent researcher = Agent.builder().name("Researcher")
                .model(ScriptedModel.named("gpt-5.2-nano", Reply.toolCall("lookup", "{}"),
                        Reply.text("Facts.").usage(Usage.of(50, 24))))
                .tools(FunctionTool.of("lookup", "Looks a topic up.", ctx -> "found")).build();
        return Team.builder().name("ResearchTeam").model(ScriptedModel.named("gpt-5.2-mini",
                Reply.toolCall("delegate_task_to_member", "{\"member_id\":\"researcher\",\"task\":\"facts\"}")
                        .usage(Usage.of(50, 20)),
                Reply.text("Summary.").usage(new Usage(60, 25, 85, 30, 5))))
                .members(researcher).build();
    }

    @Test
    void aRunCarriesItsContentTypeTheLastResponseIdAndItsMetricsPerModel() {
        TeamRunOutput run = team().run("What is entropy?");

        JsonNode n = CadreJson.tree(run);
        assertThat(n.get("content_type").asText()).isEqualTo("str");
        assertThat(n.get("model_provider_data")).isEqualTo(CadreJson.mapper().createObjectNode()
                .put("response_id", "resp_gpt-5.2-mini_2"));
        JsonNode metrics = n.get("metrics");
        assertThat(metrics.get("input_tokens").asLong()).as("the leader's calls only").isEqualTo(110);
        assertThat(metrics.get("output_tokens").asLong()).isEqualTo(45);
        assertThat(metrics.get("total_tokens").asLong()).isEqualTo(155);
        assertThat(metrics.get("cache_read_tokens").asLong()).as("kept when not zero").isEqualTo(30);
        assertThat(metrics.get("reasoning_tokens").asLong()).isEqualTo(5);
        assertThat(metrics.has("cache_write_tokens")).as("zero counts are left out, as in Agno").isFalse();
        assertThat(metrics.get("time_to_first_token").isFloatingPointNumber()).isTrue();
        assertThat(metrics.get("duration").isFloatingPointNumber()).isTrue();
        JsonNode models = metrics.at("/details/model");
        assertThat(models.size()).isEqualTo(1);
        assertThat(CadreJson.write(models.get(0))).isEqualTo("{\"input_tokens\":110,\"output_tokens\":45,"
                + "\"total_tokens\":155,\"cache_read_tokens\":30,\"reasoning_tokens\":5,\"id\":\"gpt-5.2-mini\","
                + "\"provider\":\"Scripted\"}");

        JsonNode member = n.get("member_responses").get(0);
        assertThat(member.get("content_type").asText()).isEqualTo("str");
        assertThat(member.at("/model_provider_data/response_id").asText()).isEqualTo("resp_gpt-5.2-nano_2");
        assertThat(CadreJson.write(member.at("/metrics/details/model/0"))).isEqualTo("{\"input_tokens\":60,"
                + "\"output_tokens\":25,\"total_tokens\":85,\"id\":\"gpt-5.2-nano\",\"provider\":\"Scripted\"}");
    }

    @Test
    void theRunsToolsHaveTheirOutcomeAndTimings() {
        TeamRunOutput run = team().run("What is entropy?");

        ToolExecution delegation = run.tools().getFirst();
        assertThat(delegation.toolCallError()).contains(false);
        assertThat(delegation.childRunId()).contains(run.memberResponses().getFirst().runId());
        assertThat(delegation.metrics()).hasValueSatisfying(m -> {
            assertThat(m.endTime()).isAfterOrEqualTo(m.startTime());
            assertThat(m.duration()).isEqualTo(Duration.between(m.startTime(), m.endTime()));
        });
        JsonNode tool = CadreJson.tree(run).at("/member_responses/0/tools/0");
        assertThat(tool.get("result").asText()).isEqualTo("found");
        assertThat(tool.get("requires_confirmation").isNull()).isTrue();
        assertThat(tool.at("/metrics/duration").isFloatingPointNumber()).isTrue();
    }

    @Test
    void aRunThatWasNotStreamedHasATimeToFirstTokenToo() {
        RunOutput run = Agent.builder().name("A").model(ScriptedModel.of(Reply.text("Hello."))).build().run("Hi");

        assertThat(run.metrics().timeToFirstToken()).isPresent();
        assertThat(run.events()).filteredOn(e -> e instanceof ModelRequestCompleted).singleElement()
                .satisfies(e -> assertThat(((ModelRequestCompleted) e).timeToFirstToken()).isPresent());
    }

    @Test
    void aRunMadeByTheEngineReadsBackAsItWasWritten() {
        TeamRunOutput run = team().run("What is entropy?");

        RunResult back = CadreJson.readRun(CadreJson.write(run));

        assertThat(back).isEqualTo(run);
        assertThat(((TeamRunOutput) back).memberResponses().getFirst().tools().getFirst().metrics()).isPresent();
    }

    @Test
    void durationsAreWrittenAsFloatsToTheNanosecondAndReadBackExactly() {
        RunMetrics m = new RunMetrics(1, 1, 2, 0, 0, Optional.of(Duration.ofNanos(559_048_438)),
                Optional.of(Duration.ofSeconds(2)));

        String json = CadreJson.write(m);

        assertThat(json).contains("\"time_to_first_token\":0.559048438", "\"duration\":2.0");
        assertThat(CadreJson.read(json, RunMetrics.class)).isEqualTo(m);
    }

    /** A team run as Cadre stored it before runs had Agno's newer fields. */
    private static final String STORED_BEFORE = """
            {"run_id":"t-1","team_id":"team","team_name":"Team","session_id":"s","input":{"input_content":"q"},
             "content":"Done.","status":"COMPLETED","messages":[],
             "tools":[{"tool_call_id":"c1","tool_name":"delegate_task_to_member","tool_args":{"member_id":"m"},
                       "result":"Facts.","tool_call_error":false,"child_run_id":"m-1","stop_after_tool_call":false,
                       "created_at":1757000010}],
             "metrics":{"input_tokens":10,"output_tokens":2,"total_tokens":12,"time_to_first_token":0.25,"duration":2},
             "model":"gpt","model_provider":"OpenAI","created_at":1757000010,
             "events":[{"event":"RunContent","created_at":1757000010,"run_id":"m-1","session_id":"s",
                        "agent_id":"m","agent_name":"M","content":"x"},
                       {"event":"ModelRequestCompleted","created_at":1757000010,"run_id":"t-1","session_id":"s",
                        "agent_id":"m","agent_name":"M","model":"gpt","model_provider":"OpenAI","input_tokens":1,
                        "output_tokens":1,"total_tokens":2},
                       {"event":"TeamRunCompleted","created_at":1757000010,"run_id":"t-1","session_id":"s",
                        "team_id":"team","team_name":"Team","content":"Done.","status":"COMPLETED","metrics":{}}],
             "member_responses":[]}
            """;

    @Test
    void runsStoredBeforeTheseFieldsStillRead() {
        TeamRunOutput run = (TeamRunOutput) CadreJson.readRun(STORED_BEFORE);

        assertThat(run.modelProviderData()).isEmpty();
        assertThat(run.metrics().details()).isEmpty();
        assertThat(run.metrics().duration()).contains(Duration.ofSeconds(2));
        ToolExecution tool = run.tools().getFirst();
        assertThat(tool.toolCallError()).contains(false);
        assertThat(tool.result()).contains("Facts.");
        assertThat(tool.metrics()).isEmpty();
        assertThat(run.events().get(0)).isInstanceOfSatisfying(RunContent.class,
                c -> assertThat(c.reasoningContent()).isEmpty());
        assertThat(run.events().get(1)).isInstanceOfSatisfying(ModelRequestCompleted.class,
                c -> assertThat(c.cacheReadTokens()).isZero());
        assertThat(run.events().get(2)).isInstanceOfSatisfying(TeamRunCompleted.class, c -> {
            assertThat(c.modelProviderData()).isEmpty();
            assertThat(c.memberResponses()).isEmpty();
        });
        assertThat(CadreJson.readRun(CadreJson.write(run))).isEqualTo(run);
        assertThat(List.of(run.contentType(), CadreJson.tree(run).get("content_type").asText())).containsOnly("str");
    }
}
