package dev.cadre.server;

import static dev.cadre.server.contract.AgnoShapes.answer;
import static dev.cadre.server.contract.AgnoShapes.assertConforms;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.server.contract.AgnoShapes;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a client asks first — {@code /}, {@code /health}, {@code /info}, {@code /config}, {@code /models}, the
 * agents and the teams — answers with the status and JSON shape Agno's AgentOS answered with.
 */
class DiscoveryContractTest extends AgainstOneServer {

    /** Cadre's answer to {@code path} has the status and shape of Agno's answer to {@code captured}. */
    private JsonNode conforms(String captured, String path, String... absentOnPurpose) {
        AgnoShapes.Answer agno = answer(captured);
        Http.Response r = http.get(path);
        assertThat(r.status()).as(path).isEqualTo(agno.status());
        assertThat(r.header("Content-Type")).as(path).startsWith(agno.contentType());
        assertConforms(path, agno.shape(), r.json(), absentOnPurpose);
        return r.json();
    }

    @Test
    void rootAndHealth() {
        conforms("GET /", "/");
        conforms("GET /health", "/health");
    }

    @Test
    void infoSaysHowManyComponentsAndTheAuthMode() {
        JsonNode info = conforms("GET /info", "/info");
        assertThat(info.get("agent_count").asInt()).isEqualTo(1);
        assertThat(info.get("team_count").asInt()).isEqualTo(1);
        assertThat(info.get("auth_mode").asText()).isEqualTo("none");
        assertThat(info.get("os_id").asText()).isEqualTo("cadre");
    }

    @Test
    void configListsTheDatabaseItsDomainsAndTheComponents() {
        JsonNode config = conforms("GET /config", "/config");
        assertThat(config.get("os_database").asText()).isEqualTo(bed.store.id());
        assertThat(config.get("databases")).extracting(JsonNode::asText).containsExactly(bed.store.id());
        assertThat(config.at("/session/dbs/0/db_id").asText()).isEqualTo(bed.store.id());
        assertThat(config.at("/metrics/dbs/0/db_id").asText()).isEqualTo(bed.store.id());
        assertThat(config.at("/memory/dbs/0/db_id").asText()).as("the memory routes serve the server's db")
                .isEqualTo(bed.store.id());
        assertThat(config.at("/agents/0/id").asText()).isEqualTo("echo");
        assertThat(config.at("/agents/0/model/id").asText()).isEqualTo("gpt-4o");
        assertThat(config.at("/teams/0/mode").asText()).isEqualTo("coordinate");
        assertThat(names(config.get("available_models"))).containsExactly("gpt-4o", "gpt-5.2-mini");
    }

    @Test
    void modelsAreTheDistinctModelsOfTheAgentsAndTeams() {
        Http.Response r = http.get("/models");
        assertThat(r.status()).isEqualTo(200);
        assertConforms("/models", answer("GET /models").shape(), r.json());
        assertThat(r.json()).hasSize(2);
        assertThat(r.json().get(0).get("id").asText()).isEqualTo("gpt-4o");
        assertThat(r.json().get(0).get("provider").asText()).isEqualTo("OpenAI");
    }

    @Test
    void agentsAndAnAgentAreAgentResponses() {
        conforms("GET /agents", "/agents");
        JsonNode echo = conforms("GET /agents/assistant", "/agents/echo");
        assertThat(echo.at("/system_message/description").asText()).isEqualTo("An agent that echoes.");
        assertThat(echo.get("role").asText()).isEqualTo("Repeats what it is told.");
        assertThat(echo.has("streaming")).as("an agent's streaming is left out when default, as in AgentOS").isFalse();
        conforms("GET /agents/nope", "/agents/nope");
    }

    @Test
    void aTeamIsATeamResponseWithItsDelegationToolStreamingAndMembers() {
        conforms("GET /teams", "/teams");
        JsonNode crew = conforms("GET /teams/research-team", "/teams/crew");
        assertThat(crew.get("streaming").get("stream_member_events").asBoolean()).isTrue();
        JsonNode tool = crew.at("/tools/tools/0");
        assertThat(tool.get("name").asText()).isEqualTo("delegate_task_to_member");
        assertThat(tool.at("/parameters/required")).extracting(JsonNode::asText).containsExactly("member_id", "task");
        assertThat(crew.at("/system_message/instructions/0").asText()).isEqualTo("Delegate when asked to.");
        JsonNode writer = crew.get("members").get(0);
        assertThat(writer.get("id").asText()).isEqualTo("writer");
        assertThat(writer.get("role").asText()).isEqualTo("Writes.");
        assertThat(writer.get("db_id").asText()).as("members are kept in their team's store").isEqualTo(bed.store.id());
        conforms("GET /teams/nope", "/teams/nope");
    }

    private static List<String> names(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
