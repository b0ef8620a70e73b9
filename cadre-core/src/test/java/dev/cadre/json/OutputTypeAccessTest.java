package dev.cadre.json;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.Agent;
import org.junit.jupiter.api.Test;

/**
 * On the module path, Jackson must be allowed into an output record's package: a record it may not read is refused
 * when the agent is built, not on its first answer (this package is not opened to Jackson in the tests).
 */
class OutputTypeAccessTest {

    record Closed(String value) {
    }

    @Test
    void aRecordInAPackageNotOpenToJacksonIsRefusedWithTheLineToAdd() {
        assertThatThrownBy(() -> Agent.builder().name("A").outputSchema(Closed.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not open package dev.cadre.json")
                .hasMessageContaining("opens dev.cadre.json to com.fasterxml.jackson.databind;");
    }
}
