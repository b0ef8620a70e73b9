package dev.cadre.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cadre.jdbc.internal.RunRow;
import dev.cadre.json.CadreJson;
import dev.cadre.run.RunOutput;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.run.TeamRunOutput;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A row's JSON columns are written straight from their parts of the run: each holds exactly what that field of the
 * run's own JSON holds, and {@code extra} the fields no column has — NUL replaced as everywhere else.
 */
class RunRowColumnsTest {

    private static final Set<String> COLUMNS = Set.of("run_id", "session_id", "parent_run_id", "user_id", "agent_id",
            "agent_name", "team_id", "team_name", "status", "error", "model", "model_provider", "input", "content",
            "messages", "tools", "metrics", "events", "created_at", "member_responses");

    private static JsonNode read(String json) {
        return CadreJson.read(json, JsonNode.class);
    }

    private static void assertColumnsAreTheRunsJson(RunResult run) {
        JsonNode tree = CadreJson.tree(run);
        RunRow row = RunRow.of(run);

        // The very text the run's JSON has there: stored byte for byte as when the row was cut from that JSON.
        assertThat(row.input()).isEqualTo(tree.get("input").toString());
        assertThat(row.messages()).isEqualTo(tree.get("messages").toString());
        assertThat(row.tools()).isEqualTo(tree.get("tools").toString());
        assertThat(row.metrics()).isEqualTo(tree.get("metrics").toString());
        assertThat(row.events()).isEqualTo(tree.get("events").toString());
        ObjectNode rest = ((ObjectNode) tree).deepCopy();
        rest.remove(COLUMNS);
        assertThat(row.extra()).isEqualTo(rest.isEmpty() ? Optional.empty() : Optional.of(rest.toString()));
    }

    @Test
    void anAgentRunWithEveryKindOfDataIsSplitAsItsJson() {
        assertColumnsAreTheRunsJson(Runs.richAgentRun("rich", "s1"));
    }

    @Test
    void aTeamRunLeavesItsMembersOutOfItsRow() {
        TeamRunOutput team = Runs.teamRun("team", "s1", RunStatus.RUNNING);
        ObjectNode tree = (ObjectNode) CadreJson.tree(team);
        tree.putArray("member_responses").add(CadreJson.tree(Runs.richAgentRun("member", "s1")));
        TeamRunOutput withMember = CadreJson.mapper().convertValue(tree, TeamRunOutput.class);

        assertColumnsAreTheRunsJson(withMember);
        assertThat(RunRow.of(withMember).extra().orElse("")).doesNotContain("member_responses", "Virtual threads");
    }

    @Test
    void fieldsWithoutAColumnGoToExtra() {
        ObjectNode tree = (ObjectNode) CadreJson.tree(Runs.richAgentRun("typed", "s1"));
        tree.put("content_type", "Movie").put("reasoning_content", "thought first");
        RunOutput typed = CadreJson.mapper().convertValue(tree, RunOutput.class);

        assertColumnsAreTheRunsJson(typed);
        assertThat(RunRow.of(typed).extra().map(RunRowColumnsTest::read).orElseThrow().get("content_type").asText())
                .isEqualTo("Movie");
    }

    @Test
    void aNulBecomesTheReplacementCharacterAndAnEscapedBackslashStaysAsItIs() {
        ObjectNode tree = (ObjectNode) CadreJson.tree(Runs.richAgentRun("nul", "s1"));
        String literal = "a\\u0000 is not a NUL";
        ((ObjectNode) tree.get("messages").get(0)).put("content", "before\u0000after, " + literal);
        RunOutput run = CadreJson.mapper().convertValue(tree, RunOutput.class);

        RunRow row = RunRow.of(run);

        assertThat(row.messages()).doesNotContain("\\u0000\"").contains("before\uFFFDafter");
        assertThat(read(row.messages()).get(0).get("content").asText()).isEqualTo("before\uFFFDafter, " + literal);
        assertThat(List.of(row.input(), row.tools(), row.metrics(), row.events())).noneMatch(c -> c.contains("\u0000"));
    }
}
