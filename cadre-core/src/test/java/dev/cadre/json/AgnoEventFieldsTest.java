package dev.cadre.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.Agent;
import dev.cadre.Team;
import dev.cadre.event.RunEvent;
import dev.cadre.event.TeamRunCompleted;
import dev.cadre.testkit.ScriptedModel;
import dev.cadre.testkit.ScriptedModel.Reply;
import dev.cadre.model.Usage;
import dev.cadre.run.RunStream;
import dev.cadre.run.TeamRunOutput;
import dev.cadre.tool.FunctionTool;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The JSON of every event a streamed team run sends has the fields of Agno's event of the same name,
 * with Agno's types and defaults (compared with the shapes Agno's AgentOS sent, and its event classes).
 */
class AgnoEventFieldsTest {

    private static final List<RunEvent> EVENTS = new ArrayList<>();
    private static TeamRunOutput run;

    /** A leader delegates to a researcher, who looks something up and answers; then the leader answers. */
    @BeforeAll
    static void streamATeamRun() {
        Agent researcher = Agent.builder().name("Researcher").role("Research topics.")
                .model(ScriptedModel.named("gpt-5.2-nano", Reply.toolCall("lookup", "{\"q\":\"entropy\"}"),
                        Reply.text("the first ", "law").usage(new Usage(50, 24, 74, 8, 3))))
                .tools(FunctionTool.of("lookup", "Looks a topic up.", ctx -> "found"))
                .build();
        Team team = Team.builder().name("ResearchTeam")
                .model(ScriptedModel.named("gpt-5.2-mini",
                        Reply.toolCall("delegate_task_to_member", "{\"member_id\":\"researcher\",\"task\":\"facts\"}"),
                        Reply.text("Summary: ", "the first law")))
                .members(researcher).build();
        try (RunStream stream = team.stream("What is entropy?")) {
            stream.forEach(EVENTS::add);
            run = (TeamRunOutput) stream.result();
        }
    }

    private static List<JsonNode> json(String eventName) {
        List<JsonNode> out = EVENTS.stream().filter(e -> e.event().equals(eventName)).map(CadreJson::tree).toList();
        assertThat(out).as("events named %s", eventName).isNotEmpty();
        return out;
    }

    private static JsonNode first(String eventName, Predicate<JsonNode> which) {
        return json(eventName).stream().filter(which).findFirst().orElseThrow();
    }

    @Test
    void everyEventHasNestedDepthZeroAsAnIntEvenInsideTheTeamStream() {
        assertThat(EVENTS).extracting(RunEvent::event).contains("TeamRunStarted", "RunStarted", "RunContent",
                "ToolCallStarted", "ToolCallCompleted", "TeamToolCallCompleted", "RunCompleted", "TeamRunCompleted");
        assertThat(EVENTS).allSatisfy(e -> {
            JsonNode n = CadreJson.tree(e);
            assertThat(n.get("nested_depth").isInt()).as(e.event()).isTrue();
            assertThat(n.get("nested_depth").asInt()).isZero();
        });
        assertThat(json("RunStarted").getFirst().path("parent_run_id").asText()).isEqualTo(run.runId());
    }

    @Test
    void startedAndModelRequestEventsNameTheModelAndItsProvider() {
        for (String name : List.of("TeamRunStarted", "RunStarted", "TeamModelRequestStarted", "ModelRequestStarted",
                "TeamModelRequestCompleted", "ModelRequestCompleted")) {
            String model = name.startsWith("Team") ? "gpt-5.2-mini" : "gpt-5.2-nano";
            assertThat(json(name)).allSatisfy(n -> {
                assertThat(n.path("model").asText()).as(name).isEqualTo(model);
                assertThat(n.path("model_provider").asText()).as(name).isEqualTo("Scripted");
            });
        }
    }

    @Test
    void modelRequestCompletedCarriesEveryTokenCountExplicitlyAndTheTimeToFirstChunk() {
        JsonNode answer = first("ModelRequestCompleted", n -> n.path("output_tokens").asLong() == 24);
        assertThat(answer.get("input_tokens").asLong()).isEqualTo(50);
        assertThat(answer.get("total_tokens").asLong()).isEqualTo(74);
        assertThat(answer.get("cache_read_tokens").asLong()).isEqualTo(8);
        assertThat(answer.get("reasoning_tokens").asLong()).isEqualTo(3);
        assertThat(answer.get("cache_write_tokens").isIntegralNumber()).isTrue();
        assertThat(answer.get("time_to_first_token").isFloatingPointNumber()).isTrue();

        JsonNode toolCallOnly = json("TeamModelRequestCompleted").getFirst();
        for (String count : List.of("reasoning_tokens", "cache_read_tokens", "cache_write_tokens")) {
            assertThat(toolCallOnly.get(count).isIntegralNumber()).as(count).isTrue();
            assertThat(toolCallOnly.get(count).asLong()).as(count).isZero();
        }
        assertThat(toolCallOnly.get("time_to_first_token").isFloatingPointNumber())
                .as("a tool-only request is timed to its first chunk").isTrue();
    }

    @Test
    void contentEventsSayTheirTypeAndCarryEmptyReasoning() {
        assertThat(json("RunContent")).allSatisfy(n -> {
            assertThat(n.get("content_type").asText()).isEqualTo("str");
            assertThat(n.get("reasoning_content").isTextual()).isTrue();
            assertThat(n.get("reasoning_content").asText()).isEmpty();
            assertThat(n.get("workflow_agent").isBoolean()).isTrue();
            assertThat(n.get("workflow_agent").asBoolean()).isFalse();
        });
        assertThat(json("TeamRunContent")).allSatisfy(n -> {
            assertThat(n.get("content_type").asText()).isEqualTo("str");
            assertThat(n.get("reasoning_content").asText()).isEmpty();
            assertThat(n.has("workflow_agent")).as("Agno's team content event has none").isFalse();
        });
    }

    private static final List<String> HUMAN_IN_THE_LOOP = List.of("requires_confirmation", "confirmed",
            "confirmation_note", "requires_user_input", "user_input_schema", "user_feedback_schema", "answered",
            "external_execution_required", "external_execution_silent", "approval_type", "approval_id");

    @Test
    void aStartedToolCallWritesEveryToolExecutionFieldWithAgnosDefaults() {
        for (String name : List.of("ToolCallStarted", "TeamToolCallStarted")) {
            JsonNode tool = json(name).getFirst().get("tool");
            assertThat(tool.get("tool_call_id").isTextual()).isTrue();
            assertThat(tool.get("tool_name").isTextual()).isTrue();
            assertThat(tool.get("tool_args").isObject()).isTrue();
            for (String field : List.of("tool_call_error", "result", "metrics", "child_run_id")) {
                assertThat(tool.has(field) && tool.get(field).isNull()).as(name + " " + field + " is null").isTrue();
            }
            assertThat(tool.get("stop_after_tool_call").isBoolean()).isTrue();
            assertThat(tool.get("created_at").isIntegralNumber()).isTrue();
            assertThat(HUMAN_IN_THE_LOOP).allSatisfy(f -> assertThat(tool.has(f) && tool.get(f).isNull())
                    .as(name + " " + f + " is null").isTrue());
        }
    }

    @Test
    void aCompletedToolCallHasItsOutcomeAndTimings() {
        JsonNode lookup = json("ToolCallCompleted").getFirst();
        assertThat(lookup.get("content").asText()).isEqualTo("found");
        JsonNode tool = lookup.get("tool");
        assertThat(tool.get("tool_call_error").isBoolean()).isTrue();
        assertThat(tool.get("tool_call_error").asBoolean()).isFalse();
        assertThat(tool.get("result").asText()).isEqualTo("found");
        JsonNode metrics = tool.get("metrics");
        assertThat(metrics.get("start_time").isFloatingPointNumber()).isTrue();
        assertThat(metrics.get("end_time").isFloatingPointNumber()).isTrue();
        assertThat(metrics.get("duration").isFloatingPointNumber()).isTrue();
        assertThat(metrics.get("end_time").decimalValue()).isGreaterThanOrEqualTo(metrics.get("start_time").decimalValue());
        assertThat(HUMAN_IN_THE_LOOP).allSatisfy(f -> assertThat(tool.get(f).isNull()).isTrue());

        JsonNode delegation = json("TeamToolCallCompleted").getFirst().get("tool");
        assertThat(delegation.get("child_run_id").asText()).isEqualTo(run.memberResponses().getFirst().runId());
        assertThat(delegation.get("result").asText()).isEqualTo("the first law");
    }

    @Test
    void completedEventsCarryTheResponseIdTheContentTypeAndCadresStatus() {
        JsonNode member = json("RunCompleted").getFirst();
        assertThat(member.get("content_type").asText()).isEqualTo("str");
        assertThat(member.at("/model_provider_data/response_id").asText()).isEqualTo("resp_gpt-5.2-nano_2");
        assertThat(member.get("status").asText()).isEqualTo("COMPLETED");
        JsonNode team = json("TeamRunCompleted").getFirst();
        assertThat(team.get("content_type").asText()).isEqualTo("str");
        assertThat(team.at("/model_provider_data/response_id").asText()).isEqualTo("resp_gpt-5.2-mini_2");
        assertThat(team.get("status").asText()).isEqualTo("COMPLETED");
        assertThat(team.at("/metrics/details/model/0/provider").asText()).isEqualTo("Scripted");
    }

    @Test
    void teamRunCompletedCarriesTheMemberRunsAsTheRunHoldsThem() {
        JsonNode members = json("TeamRunCompleted").getFirst().get("member_responses");
        assertThat(members).isEqualTo(CadreJson.tree(run.memberResponses()));
        assertThat(members.get(0).get("agent_id").asText()).isEqualTo("researcher");
        assertThat(members.get(0).get("parent_run_id").asText()).isEqualTo(run.runId());
        assertThat(members.get(0).get("content_type").asText()).isEqualTo("str");
    }

    @Test
    void theRunKeepsItsTerminalEventWithoutTheMemberRunsItHoldsAnyway() {
        assertThat(run.events().getLast()).isInstanceOfSatisfying(TeamRunCompleted.class,
                c -> assertThat(c.memberResponses()).isEmpty());
        assertThat(CadreJson.tree(run.events().getLast()).has("member_responses")).isFalse();
        assertThat(run.memberResponses()).hasSize(1);
    }

    @Test
    void everyEventReadsBackAsItWasWritten() {
        assertThat(EVENTS).allSatisfy(e -> assertThat(CadreJson.readEvent(CadreJson.write(e))).isEqualTo(e));
    }
}
