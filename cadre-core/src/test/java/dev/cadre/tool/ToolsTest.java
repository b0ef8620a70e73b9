package dev.cadre.tool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cadre.model.AbortSignal;
import dev.cadre.run.RunContext;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ToolsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final RunContext CTX = new RunContext("run-1", "s-1", Optional.empty(), Optional.empty(), "agent",
            AbortSignal.never());

    record Order(String item, int quantity) {
    }

    public static final class Shop {
        @ToolFunction(description = "Places an order")
        public String placeOrder(@ToolParam(description = "What to buy") Order order, Optional<String> note,
                RunContext context) {
            return order.quantity() + "x " + order.item() + note.map(n -> " (" + n + ")").orElse("") + " for "
                    + context.runId();
        }

        @ToolFunction(name = "stock", description = "Items in stock")
        public List<String> inStock() {
            return List.of("tea", "cake");
        }
    }

    @Test
    void annotatedMethodsBecomeToolsWithSchemasFromTheirParameters() throws Exception {
        List<Tool> tools = Tools.fromMethods(new Shop());

        assertThat(tools).extracting(Tool::name).containsExactly("stock", "place_order");
        Tool order = tools.get(1);
        JsonNode params = order.definition().parameters();
        assertThat(params.path("required")).extracting(JsonNode::asText).containsExactly("order");
        assertThat(params.path("properties").path("order").path("description").asText()).isEqualTo("What to buy");
        assertThat(params.path("properties").has("context")).isFalse();

        String out = order.call(JSON.readTree("{\"order\":{\"item\":\"tea\",\"quantity\":2},\"note\":\"gift\"}"), CTX);
        assertThat(out).isEqualTo("2x tea (gift) for run-1");
        assertThat(tools.get(0).call(JSON.readTree("{}"), CTX)).isEqualTo("[\"tea\",\"cake\"]");
    }

    @Test
    void missingRequiredArgumentsAreReported() {
        Tool order = Tools.fromMethods(new Shop()).get(1);
        assertThatThrownBy(() -> order.call(JSON.readTree("{}"), CTX)).hasMessage("Missing argument 'order' for place_order");
    }

    @Test
    void lambdaToolsBindRecordArguments() throws Exception {
        FunctionTool tool = FunctionTool.of("order", "orders", Order.class, (o, ctx) -> o.item().repeat(o.quantity()));
        assertThat(tool.call(JSON.readTree("{\"item\":\"ab\",\"quantity\":3}"), CTX)).isEqualTo("ababab");
        assertThatThrownBy(() -> tool.call(JSON.readTree("{\"item\":\"ab\",\"quantity\":\"lots\"}"), CTX))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Invalid arguments for order");
    }

    @Test
    void toolNamesMustSuitTheModelApis() {
        assertThatThrownBy(() -> FunctionTool.of("has space", "x", ctx -> "")).hasMessageContaining("must be 1 to 64");
        assertThatThrownBy(() -> Tools.fromMethods(new Object())).hasMessageContaining("no public method annotated");
    }
}
