package dev.cadre.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ModelResponseAccumulatorTest {

    @Test
    void joinsTextToolCallFragmentsAndUsage() {
        ModelResponseAccumulator acc = new ModelResponseAccumulator();
        acc.add(new ModelDelta.Text("Hel"));
        acc.add(new ModelDelta.ToolCallFragment(1, Optional.of("call_b"), Optional.of("second"), "{\"y\""));
        acc.add(new ModelDelta.ToolCallFragment(0, Optional.of("call_a"), Optional.of("first"), "{\"x\":"));
        acc.add(new ModelDelta.Text("lo"));
        acc.add(new ModelDelta.ToolCallFragment(0, Optional.empty(), Optional.empty(), "1}"));
        acc.add(new ModelDelta.ToolCallFragment(1, Optional.empty(), Optional.empty(), ":2}"));
        acc.add(new ModelDelta.UsageReport(Usage.of(5, 3)));
        acc.add(new ModelDelta.UsageReport(new Usage(0, 0, 0, 4, 1)));

        ModelResponse r = acc.response();

        assertThat(r.content()).isEqualTo("Hello");
        assertThat(r.toolCalls()).containsExactly(new ToolCall("call_a", "first", "{\"x\":1}"),
                new ToolCall("call_b", "second", "{\"y\":2}"));
        assertThat(r.usage()).isEqualTo(new Usage(5, 3, 8, 4, 1));
    }

    @Test
    void aSealedAccumulatorIgnoresLateDeltas() {
        ModelResponseAccumulator acc = new ModelResponseAccumulator();
        acc.add(new ModelDelta.Text("kept"));
        acc.seal();
        assertThat(acc.add(new ModelDelta.Text(" dropped"))).isFalse();
        assertThat(acc.text()).isEqualTo("kept");
    }
}
