package dev.cadre.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.model.AbortSignal;
import dev.cadre.model.Message;
import dev.cadre.model.ModelDelta;
import dev.cadre.model.ModelException;
import dev.cadre.model.ModelRequest;
import dev.cadre.model.ModelResponse;
import dev.cadre.testkit.ScriptedModel.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ScriptedModelTest {

    private static final ModelRequest REQUEST = new ModelRequest(List.of(Message.user("hi")), List.of());

    @Test
    void repliesComeInOrderAndStreamAsDeltas() {
        ScriptedModel model = ScriptedModel.of(Reply.text("a", "b"), Reply.toolCall("f", "{\"x\":1}"));
        List<ModelDelta> deltas = new ArrayList<>();
        model.stream(REQUEST, AbortSignal.never(), deltas::add);
        ModelResponse second = model.invoke(REQUEST, AbortSignal.never());

        assertThat(deltas).startsWith(ModelDelta.ProviderData.of("response_id", "resp_scripted_1"),
                new ModelDelta.Text("a"), new ModelDelta.Text("b"));
        assertThat(deltas.getLast()).isInstanceOf(ModelDelta.UsageReport.class);
        assertThat(second.toolCalls()).singleElement().satisfies(c -> {
            assertThat(c.name()).isEqualTo("f");
            assertThat(c.arguments()).isEqualTo("{\"x\":1}");
        });
        assertThat(second.providerData()).containsExactly(java.util.Map.entry("response_id", "resp_scripted_2"));
        assertThat(model.requests()).hasSize(2);
    }

    @Test
    void runningOutOfRepliesIsAClearError() {
        ScriptedModel model = ScriptedModel.of();
        assertThatThrownBy(() -> model.invoke(REQUEST, AbortSignal.never())).isInstanceOf(ModelException.class)
                .hasMessageContaining("has no reply left for call 1");
    }

    @Test
    void aBlockedReplyEndsWhenAborted() throws Exception {
        ScriptedModel model = ScriptedModel.of(Reply.text("x").thenBlock());
        Abort control = new Abort();
        CompletableFuture<Throwable> ended = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                model.stream(REQUEST, control, d -> { });
                ended.complete(null);
            } catch (ModelException e) {
                ended.complete(e);
            }
        });
        assertThat(model.awaitCalls(1, java.time.Duration.ofSeconds(10))).isTrue();

        control.abort();

        assertThat(ended.get(10, TimeUnit.SECONDS)).isInstanceOf(ModelException.class);
        assertThat(model.abortedCalls()).isEqualTo(1);
    }

    /** The signal a run's cancel fires, as far as a model sees it: only the public {@link AbortSignal}. */
    private static final class Abort implements AbortSignal {
        private final CompletableFuture<Void> aborted = new CompletableFuture<>();

        @Override
        public boolean isAborted() {
            return aborted.isDone();
        }

        @Override
        public Registration onAbort(Runnable action) {
            CompletableFuture<Void> registered = aborted.thenRun(action);
            return () -> registered.cancel(false);
        }

        void abort() {
            aborted.complete(null);
        }
    }
}
