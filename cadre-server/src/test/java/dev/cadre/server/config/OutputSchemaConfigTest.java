package dev.cadre.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.model.OutputSchema;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code output_schema:} of an agent or team, as YAML or as a JSON string, and its mistakes with their line. */
class OutputSchemaConfigTest {

    private static final String HEAD = """
            models:
              default: {provider: openai-chat, id: gpt-4o, api_key: sk-test}
            """;

    private static CadreConfig parse(String yaml) {
        return CadreConfig.parse(HEAD + yaml, "cadre.yaml", Map.of());
    }

    @Test
    void aYamlSchemaKeepsItsNumbersBooleansAndTextsAndIsNamedByItsTitle() {
        CadreConfig c = parse("""
                agents:
                  - id: critic
                    name: Critic
                    model: default
                    output_schema:
                      title: Verdict
                      type: object
                      properties:
                        film: {type: string, description: "2001"}
                        stars: {type: integer, minimum: 1, maximum: 5}
                        type: {type: boolean}
                      required: [film, stars, type]
                      additionalProperties: false
                """);

        OutputSchema schema = c.agents().get(0).outputSchema().orElseThrow();
        assertThat(schema.name()).isEqualTo("Verdict");
        JsonNode s = schema.schema();
        assertThat(s.path("properties").path("stars").path("minimum").isIntegralNumber()).isTrue();
        assertThat(s.path("properties").path("film").path("description").isTextual()).isTrue();
        assertThat(s.path("properties").path("type").path("type").asText()).isEqualTo("boolean");
        assertThat(s.path("additionalProperties").isBoolean()).isTrue();
        assertThat(s.path("required")).extracting(JsonNode::asText).containsExactly("film", "stars", "type");
        assertThat(schema.strictCompatible()).isTrue();
    }

    @Test
    void aJsonStringSchemaIsReadAsWrittenAndATeamWithoutTitleIsNamedAfterItself() {
        CadreConfig c = parse("""
                agents:
                  - {id: a, name: A, model: default}
                teams:
                  - id: film-team
                    name: Film Team
                    model: default
                    members: [a]
                    output_schema: '{"type":"object","properties":{"title":{"type":"string"}}}'
                """);

        OutputSchema schema = c.teams().get(0).outputSchema().orElseThrow();
        assertThat(schema.name()).isEqualTo("film-team");
        assertThat(schema.schema().path("properties").path("title").path("type").asText()).isEqualTo("string");
        assertThat(c.agents().get(0).outputSchema()).isEmpty();
    }

    @Test
    void aSchemaThatIsNotAnObjectSchemaNamesItsLine() {
        assertThatThrownBy(() -> parse("""
                agents:
                  - id: critic
                    name: Critic
                    model: default
                    output_schema: {type: string}
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("cadre.yaml:7: agents[0].output_schema").hasMessageContaining("\"object\"");
        assertThatThrownBy(() -> parse("""
                agents:
                  - {id: critic, name: Critic, model: default, output_schema: '{"type": '}
                """)).isInstanceOf(ConfigException.class).hasMessageContaining("is not valid JSON");
    }
}
