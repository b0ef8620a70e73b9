package dev.cadre.tool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JsonSchemasTest {

    enum Unit { CELSIUS, FAHRENHEIT }

    record Place(String city, @ToolParam(description = "ISO country code") String country) {
    }

    record Forecast(Place place, int days, Optional<Unit> unit, List<String> fields, Map<String, Double> thresholds,
            boolean hourly) {
    }

    @Test
    void recordsBecomeObjectSchemasWithRequiredComponents() {
        JsonNode s = JsonSchemas.of(Forecast.class);

        assertThat(s.path("type").asText()).isEqualTo("object");
        assertThat(s.path("required")).extracting(JsonNode::asText)
                .containsExactly("place", "days", "fields", "thresholds", "hourly");
        JsonNode p = s.path("properties");
        assertThat(p.path("place").path("properties").path("country").path("description").asText())
                .isEqualTo("ISO country code");
        assertThat(p.path("days").path("type").asText()).isEqualTo("integer");
        assertThat(p.path("unit").path("enum")).extracting(JsonNode::asText).containsExactly("CELSIUS", "FAHRENHEIT");
        assertThat(p.path("fields").path("items").path("type").asText()).isEqualTo("string");
        assertThat(p.path("thresholds").path("additionalProperties").path("type").asText()).isEqualTo("number");
        assertThat(p.path("hourly").path("type").asText()).isEqualTo("boolean");
    }

    @Test
    void typesWithoutAJsonFormAreRefused() {
        assertThatThrownBy(() -> JsonSchemas.of(Thread.class)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("use a record");
    }
}
