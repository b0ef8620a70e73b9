package dev.cadre.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.json.CadreJson;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** When a schema can go to OpenAI in strict mode: every object requires exactly its own properties. */
class OutputSchemaTest {

    record Line(String text, int number) {
    }

    record Poem(String title, List<Line> lines, Optional<String> author) {
    }

    private static OutputSchema schema(String json) {
        return new OutputSchema("Answer", CadreJson.read(json, com.fasterxml.jackson.databind.JsonNode.class));
    }

    @Test
    void aRecordWithoutOptionalComponentsIsStrictAndOneWithThemIsNot() {
        assertThat(OutputSchema.of(Line.class).strictCompatible()).isTrue();
        assertThat(OutputSchema.of(Poem.class).strictCompatible()).isFalse();
    }

    @Test
    void theRequiredNamesMustBeThePropertiesNotJustAsMany() {
        String props = "\"properties\": {\"a\": {\"type\": \"string\"}, \"b\": {\"type\": \"string\"}}";

        assertThat(schema("{\"type\": \"object\", " + props + ", \"required\": [\"b\", \"a\"]}").strictCompatible())
                .isTrue();
        assertThat(schema("{\"type\": \"object\", " + props + ", \"required\": [\"a\", \"a\"]}").strictCompatible())
                .isFalse();
        assertThat(schema("{\"type\": \"object\", " + props + ", \"required\": [\"a\", \"c\"]}").strictCompatible())
                .isFalse();
    }

    @Test
    void aNestedObjectCountsToo() {
        assertThat(schema("{\"type\": \"object\", \"properties\": {\"inner\": {\"type\": \"object\", \"properties\":"
                + " {\"x\": {\"type\": \"integer\"}}, \"required\": [\"y\"]}}, \"required\": [\"inner\"]}")
                .strictCompatible()).isFalse();
    }
}
