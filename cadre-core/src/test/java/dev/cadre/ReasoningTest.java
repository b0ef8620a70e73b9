package dev.cadre;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.event.RunContent;
import dev.cadre.event.RunEvent;
import dev.cadre.json.CadreJson;
import dev.cadre.model.AbortSignal;
import dev.cadre.model.Model;
import dev.cadre.model.ModelDelta;
import dev.cadre.model.ModelRequest;
import dev.cadre.model.ModelResponse;
import dev.cadre.model.Usage;
import dev.cadre.run.RunOutput;
import dev.cadre.run.RunRequest;
import dev.cadre.run.RunStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** A model's visible reasoning is kept apart from the answer: streamed as reasoning_content, kept on the run. */
class ReasoningTest {

    /** Thinks, then answers. */
    static final class Thinker implements Model {
        @Override
        public String id() {
            return "thinker";
        }

        @Override
        public void stream(ModelRequest request, AbortSignal abort, Consumer<ModelDelta> deltas) {
            deltas.accept(new ModelDelta.Reasoning("Let me think. "));
            deltas.accept(new ModelDelta.Reasoning("Two and two."));
            deltas.accept(new ModelDelta.Text("4"));
        }

        @Override
        public ModelResponse invoke(ModelRequest request, AbortSignal abort) {
            return new ModelResponse("4", List.of(), Usage.NONE, Map.of(), "Two and two.");
        }
    }

    private final Agent agent = Agent.builder().name("Thinker").model(new Thinker()).build();

    @Test
    void aStreamedRunSendsReasoningAsContentEventsWithEmptyContent() {
        List<RunEvent> events = new ArrayList<>();
        try (RunStream stream = agent.stream(RunRequest.of("2+2?"))) {
            stream.forEach(events::add);
        }

        List<RunContent> content = events.stream().filter(RunContent.class::isInstance).map(RunContent.class::cast)
                .toList();
        assertThat(content).extracting(RunContent::reasoningContent).containsExactly("Let me think. ", "Two and two.", "");
        assertThat(content).extracting(RunContent::content).containsExactly("", "", "4");
    }

    @Test
    void theRunKeepsItsReasoningApartFromItsAnswer() {
        RunOutput out = agent.run("2+2?");

        assertThat(out.content()).isEqualTo("4");
        assertThat(out.reasoningContent()).isEqualTo("Two and two.");
        assertThat(CadreJson.tree(out).path("reasoning_content").asText()).isEqualTo("Two and two.");
        assertThat(CadreJson.readRun(CadreJson.write(out)).reasoningContent()).isEqualTo("Two and two.");
    }

    @Test
    void aRunWithoutReasoningHasNoReasoningField() {
        RunOutput out = Agent.builder().name("Plain").model(dev.cadre.testkit.ScriptedModel.of(
                dev.cadre.testkit.ScriptedModel.Reply.text("hi"))).build().run("hello");

        assertThat(out.reasoningContent()).isEmpty();
        assertThat(CadreJson.tree(out).has("reasoning_content")).isFalse();
    }
}
