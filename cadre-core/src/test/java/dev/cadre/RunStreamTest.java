package dev.cadre;

import static dev.cadre.Scripts.words;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.event.RunCancelled;
import dev.cadre.event.RunError;
import dev.cadre.event.RunEvent;
import dev.cadre.model.AbortSignal;
import dev.cadre.model.Model;
import dev.cadre.model.ModelDelta;
import dev.cadre.model.ModelRequest;
import dev.cadre.model.ModelResponse;
import dev.cadre.model.ScriptedModel;
import dev.cadre.model.ScriptedModel.Reply;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.run.RunStream;
import dev.cadre.store.InMemoryStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** A stream's reader may read slowly, stop reading, ask only for the result, or close from elsewhere: the run always ends. */
class RunStreamTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private final InMemoryStore db = new InMemoryStore();
    private final RunManager runs = RunManager.builder().streamBufferSize(4).build();

    @Test
    void aSlowReaderGetsEveryEventInOrder() {
        Agent agent = Agent.builder().name("A").model(ScriptedModel.of(Reply.text(words(50)))).runManager(runs).build();
        StringBuilder text = new StringBuilder();
        try (RunStream stream = agent.stream("go")) {
            for (RunEvent e : stream) {
                if (e instanceof dev.cadre.event.RunContent c) {
                    text.append(c.content());
                }
            }
        }
        assertThat(text.toString()).isEqualTo(String.join("", words(50)));
    }

    @Test
    void askingOnlyForTheResultDoesNotWaitForAReader() throws Exception {
        Agent agent = Agent.builder().name("A").model(ScriptedModel.of(Reply.text(words(50)))).db(db).runManager(runs)
                .build();
        RunStream stream = agent.stream("go");

        RunResult result = CompletableFuture.supplyAsync(stream::result).get(10, TimeUnit.SECONDS);

        assertThat(result.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(result.content()).isEqualTo(String.join("", words(50)));
        stream.close();
    }

    @Test
    void aRunWhoseReaderStoppedReadingStillEndsWhenCancelled() throws Exception {
        ScriptedModel model = ScriptedModel.of(Reply.text(words(50)).thenBlock());
        Agent agent = Agent.builder().name("A").model(model).db(db).runManager(runs).build();
        try (RunStream stream = agent.stream("go")) {
            assertThat(model.awaitCalls(1, WAIT)).isTrue();

            agent.cancelRun(stream.runId());

            assertThat(runs.awaitRun(stream.runId(), WAIT)).isTrue();
            assertThat(runs.activeRunIds()).doesNotContain(stream.runId());
            assertThat(db.getRun(stream.runId())).get().extracting(RunResult::status).isEqualTo(RunStatus.CANCELLED);
            // the reader that comes back finds what was buffered, then the terminal event
            List<RunEvent> rest = new ArrayList<>();
            stream.forEach(rest::add);
            assertThat(rest.getLast()).isInstanceOf(RunCancelled.class);
        }
    }

    @Test
    void closingFromAnotherThreadWakesABlockedReader() throws Exception {
        ScriptedModel model = ScriptedModel.of(Reply.stalled());
        Agent agent = Agent.builder().name("A").model(model).db(db).runManager(runs).build();
        RunStream stream = agent.stream("go");
        CompletableFuture<Integer> read = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            int n = 0;
            for (RunEvent ignored : stream) {
                n++;
            }
            read.complete(n);
        });
        assertThat(model.awaitCalls(1, WAIT)).isTrue();

        stream.close();

        assertThat(read.get(10, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(0);
        assertThat(db.getRun(stream.runId())).get().extracting(RunResult::status).isEqualTo(RunStatus.CANCELLED);
    }

    /** A model whose code is broken: it throws an Error, not an exception. */
    static final class BrokenModel implements Model {
        @Override
        public String id() {
            return "broken";
        }

        @Override
        public void stream(ModelRequest request, AbortSignal abort, Consumer<ModelDelta> deltas) {
            throw new AssertionError("provider code is broken");
        }

        @Override
        public ModelResponse invoke(ModelRequest request, AbortSignal abort) {
            throw new AssertionError("provider code is broken");
        }
    }

    @Test
    void anErrorThrownByAModelStillEndsTheRunAsErrorWithATerminalEvent() {
        Agent agent = Agent.builder().name("A").model(new BrokenModel()).db(db).runManager(runs).build();
        List<RunEvent> events = new ArrayList<>();
        String runId;
        try (RunStream stream = agent.stream("go")) {
            runId = stream.runId();
            stream.forEach(events::add);
        }
        assertThat(events.getLast()).isInstanceOfSatisfying(RunError.class,
                e -> assertThat(e.content()).isEqualTo("provider code is broken"));
        assertThat(db.getRun(runId)).get().extracting(RunResult::status).isEqualTo(RunStatus.ERROR);
        assertThat(agent.cancelRun(runId).status()).contains(RunStatus.ERROR);
    }

    @Test
    void aRunTheStoreEndedElsewhereStopsAndReportsTheStoredStatus() throws Exception {
        CompletableFuture<Void> toolMayReturn = new CompletableFuture<>();
        CompletableFuture<Void> toolStarted = new CompletableFuture<>();
        var tool = dev.cadre.tool.FunctionTool.of("wait", "waits", ctx -> {
            toolStarted.complete(null);
            toolMayReturn.join();
            return "done";
        });
        Agent agent = Agent.builder().name("A").model(ScriptedModel.of(Reply.toolCall("wait", "{}"), Reply.text("x")))
                .tools(tool).db(db).runManager(runs).build();
        List<RunEvent> events = new ArrayList<>();
        try (RunStream stream = agent.stream("go")) {
            toolStarted.get(10, TimeUnit.SECONDS);
            // the run's owner looks dead to the store (it never sent a heartbeat): the sweep ends it
            assertThat(db.failOrphanedRuns(Duration.ZERO, "the process running this run stopped"))
                    .contains(stream.runId());
            toolMayReturn.complete(null);
            stream.forEach(events::add);
        }
        assertThat(events.getLast()).isInstanceOfSatisfying(RunError.class, e -> {
            assertThat(e.status()).isEqualTo(RunStatus.ERROR);
            assertThat(e.content()).isEqualTo("the process running this run stopped");
        });
    }
}
