package dev.cadre.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.event.RunEvent;
import dev.cadre.event.TeamRunCancelled;
import dev.cadre.event.TeamRunContent;
import dev.cadre.event.ToolCallStarted;
import dev.cadre.run.RunFailure;
import dev.cadre.run.RunMetrics;
import dev.cadre.run.RunOutput;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunResult.RunInput;
import dev.cadre.run.RunStatus;
import dev.cadre.run.TeamRunOutput;
import dev.cadre.run.ToolExecution;
import dev.cadre.model.Message;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CadreJsonTest {

    private static final Instant T = Instant.ofEpochSecond(1757000010);

    @Test
    void eventsAreWrittenInAgnosFormat() throws Exception {
        TeamRunContent e = new TeamRunContent(T, "tr-1", "s-2", Optional.empty(), "my-team", "My Team", "Hi");

        String json = CadreJson.write(e);

        assertThat(json).doesNotContain("\n");
        JsonNode node = CadreJson.mapper().readTree(json);
        assertThat(node.fieldNames()).toIterable().first().isEqualTo("event");
        assertThat(node.path("event").asText()).isEqualTo("TeamRunContent");
        assertThat(node.path("created_at").asLong()).isEqualTo(1757000010L);
        assertThat(node.path("team_id").asText()).isEqualTo("my-team");
        assertThat(node.path("team_name").asText()).isEqualTo("My Team");
        assertThat(node.path("run_id").asText()).isEqualTo("tr-1");
        assertThat(node.path("session_id").asText()).isEqualTo("s-2");
        assertThat(node.has("parent_run_id")).as("absent values are left out").isFalse();
        assertThat(node.has("data")).as("agent-ui treats a top-level data key as a wrapper").isFalse();
    }

    @Test
    void terminalEventsCarryTheStatus() throws Exception {
        TeamRunCancelled e = new TeamRunCancelled(T, "tr-1", "s", Optional.empty(), "t", "T", "Run tr-1 was cancelled",
                "Hi", RunStatus.CANCELLED);
        JsonNode node = CadreJson.mapper().readTree(CadreJson.write(e));
        assertThat(node.path("status").asText()).isEqualTo("CANCELLED");
        assertThat(node.path("reason").asText()).isEqualTo("Run tr-1 was cancelled");
    }

    @Test
    void eventsRoundTripByTheirName() {
        ToolExecution tool = new ToolExecution("call_1", "get_weather",
                CadreJson.mapper().createObjectNode().put("city", "Paris"), Optional.empty(), false, Optional.empty(),
                false, T);
        RunEvent e = new ToolCallStarted(T, "r-1", "s-1", Optional.of("tr-1"), "basic-agent", "Basic Agent", tool);

        RunEvent back = CadreJson.readEvent(CadreJson.write(e));

        assertThat(back).isEqualTo(e);
        assertThat(CadreJson.write(e)).contains("\"tool_call_id\":\"call_1\"", "\"tool_name\":\"get_weather\"",
                "\"tool_args\":{\"city\":\"Paris\"}", "\"parent_run_id\":\"tr-1\"");
    }

    @Test
    void teamRunsWithMembersRoundTrip() {
        RunOutput member = new RunOutput("m-1", "researcher", "Researcher", "s", Optional.of("t-1"), Optional.empty(),
                new RunInput("find"), "facts", RunStatus.CANCELLED, Optional.empty(),
                List.of(Message.user("find")), List.of(), RunMetrics.EMPTY, Optional.of("gpt"), Optional.of("OpenAI"),
                T, List.of());
        TeamRunOutput team = new TeamRunOutput("t-1", "team", "Team", "s", Optional.empty(), Optional.of("ada"),
                new RunInput("q"), "partial", RunStatus.ERROR, Optional.of(new RunFailure("model_error", "down")),
                List.of(), List.of(), new RunMetrics(10, 2, 12, 0, 0, Optional.of(Duration.ofMillis(250)),
                        Optional.of(Duration.ofSeconds(2))),
                Optional.empty(), Optional.empty(), T, List.of(), List.of(member));

        String json = CadreJson.write(team);
        RunResult back = CadreJson.readRun(json);

        assertThat(back).isEqualTo(team);
        assertThat(json).contains("\"input\":{\"input_content\":\"q\"}", "\"status\":\"ERROR\"",
                "\"metrics\":{\"input_tokens\":10,\"output_tokens\":2,\"total_tokens\":12,\"time_to_first_token\":0.25,\"duration\":2.0}");
        assertThat(CadreJson.readRun(CadreJson.write(member))).isInstanceOf(RunOutput.class);
    }

    @Test
    void malformedJsonGivesAClearError() {
        assertThatThrownBy(() -> CadreJson.readEvent("{\"event\":\"NoSuchEvent\"}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Not a valid RunEvent JSON");
    }

    @Test
    void timesWrittenAsIsoTextAreReadToo() {
        RunEvent e = CadreJson.readEvent("{\"event\":\"RunContent\",\"created_at\":\"2025-09-04T15:33:30Z\","
                + "\"run_id\":\"r\",\"session_id\":\"s\",\"agent_id\":\"a\",\"agent_name\":\"A\",\"content\":\"x\"}");
        assertThat(e.createdAt()).isEqualTo(T);
    }
}
