package dev.cadre.server.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The checker the contract tests rely on: it must catch every kind of difference it claims to. */
class AgnoShapesTest {

    private static JsonNode json(String s) throws Exception {
        return new ObjectMapper().readTree(s);
    }

    @Test
    void aValueOfTheCapturedShapeConforms() throws Exception {
        JsonNode shape = json("{\"a\":\"str\",\"n\":\"int\",\"f\":\"float\",\"b\":\"bool\",\"z\":\"null\","
                + "\"l\":[\"dict\"],\"o\":{\"x\":\"str\"},\"e\":{}}");
        JsonNode value = json("{\"a\":\"x\",\"n\":1,\"f\":2,\"b\":true,\"z\":null,\"l\":[{}],\"o\":{\"x\":\"y\"},"
                + "\"e\":{\"k\":1},\"extra\":1}");
        assertThat(AgnoShapes.differences(shape, value, Set.of())).isEmpty();
    }

    @Test
    void missingKeysWrongTypesAndBadListItemsAreEachReported() throws Exception {
        JsonNode shape = json("{\"a\":\"str\",\"n\":\"int\",\"z\":\"null\",\"l\":[\"dict\"],\"o\":{\"x\":\"bool\"}}");
        JsonNode value = json("{\"n\":1.5,\"l\":[{},3],\"o\":{\"x\":\"true\"}}");
        assertThat(AgnoShapes.differences(shape, value, Set.of())).containsExactlyInAnyOrder(
                "a: missing (Agno sends \"str\")", "n: expected int, was number 1.5", "z: missing (Agno sends \"null\")",
                "l[]: expected dict, was number 3", "o.x: expected bool, was string \"true\"");
    }

    @Test
    void keysLeftOutOnPurposeAreNamedByDottedPath() throws Exception {
        JsonNode shape = json("{\"t\":[{\"m\":\"dict\"}]}");
        assertThat(AgnoShapes.differences(shape, json("{\"t\":[{}]}"), Set.of("t[].m"))).isEmpty();
        assertThatThrownBy(() -> AgnoShapes.assertConforms("x", shape, json("{\"t\":[{}]}")))
                .hasMessageContaining("t[].m: missing");
    }

    @Test
    void theCaptureHoldsAnswersForTheEndpointsUnderTest() {
        assertThat(AgnoShapes.answer("GET /teams/research-team").status()).isEqualTo(200);
        assertThat(AgnoShapes.answer("POST cancel unknown run").shape().isObject()).isTrue();
        assertThat(AgnoShapes.answer("POST agent run stream=true").eventShape("RunContent").has("nested_depth")).isTrue();
        assertThatThrownBy(() -> AgnoShapes.answer("GET /nothing")).isInstanceOf(IllegalArgumentException.class);
    }
}
