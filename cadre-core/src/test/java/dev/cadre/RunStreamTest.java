package dev.cadre;

import static dev.cadre.Scripts.words;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.event.ContentEvent;
import dev.cadre.event.RunCancelled;
import dev.cadre.event.RunError;
import dev.cadre.event.RunEvent;
import dev.cadre.event.RunStarted;
import dev.cadre.event.TerminalEvent;
import dev.cadre.model.AbortSignal;
import dev.cadre.model.Model;
import dev.cadre.model.ModelDelta;
import dev.cadre.model.ModelRequest;
import dev.cadre.model.ModelResponse;
import dev.cadre.testkit.ScriptedModel;
import dev.cadre.testkit.ScriptedModel.Reply;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.run.RunStream;
import dev.cadre.db.InMemoryDb;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** A stream's reader may read slowly, stop reading, ask only for the result, or close from elsewhere: the run always ends. */
class RunStreamTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private final InMemoryDb db = new InMemoryDb();
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
        ScriptedModel model = ScriptedModel.of(Reply.stall());
        Agent agent = Agent.builder().name("A").model(model).db(db).runManager(runs).build();
        RunStream stream = agent.stream("go");
        List<RunEvent> seen = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> read = new CompletableFuture<>();
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                for (RunEvent e : stream) {
                    seen.add(e);
                }
                read.complete(null);
            } catch (Throwable t) {
                read.completeExceptionally(t);
            }
        });
        assertThat(model.awaitCalls(1, WAIT)).isTrue();
        // The model stalls, so once the reader has taken what was sent it can only wait for more.
        awaitParkedAfterReading(reader, seen);
        assertThat(read).as("the reader is still waiting for the stalled run").isNotDone();

        stream.close();

        assertThat(read).as("the blocked reader woke up and its loop ended normally")
                .succeedsWithin(WAIT);
        assertThat(seen).as("it had been reading this run").first().isInstanceOfSatisfying(RunStarted.class,
                e -> assertThat(e.runId()).isEqualTo(stream.runId()));
        assertThat(seen).noneMatch(e -> e instanceof ContentEvent);
        assertThat(seen).filteredOn(e -> e instanceof TerminalEvent)
                .as("the run's end, if the reader got it before the close: a cancel, and nothing after it")
                .hasSizeLessThanOrEqualTo(1)
                .allSatisfy(e -> assertThat(e).isInstanceOf(RunCancelled.class).isSameAs(seen.getLast()));
        assertThat(db.getRun(stream.runId())).get().extracting(RunResult::status).isEqualTo(RunStatus.CANCELLED);
    }

    /** Waits until {@code reader} has read an event and is parked; fails after {@link #WAIT}. */
    private static void awaitParkedAfterReading(Thread reader, List<RunEvent> seen) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (seen.isEmpty() || reader.getState() != Thread.State.WAITING) {
            assertThat(reader.isAlive()).as("the reader is still reading").isTrue();
            assertThat(System.nanoTime()).as("the reader has read and waits").isLessThan(deadline);
            Thread.yield();
        }
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
        Scripts.BlockingTool wait = new Scripts.BlockingTool("wait");
        Agent agent = Agent.builder().name("A").model(ScriptedModel.of(Reply.toolCall("wait", "{}"), Reply.text("x")))
                .tools(wait.tool).db(db).runManager(runs).build();
        List<RunEvent> events = new ArrayList<>();
        try (RunStream stream = agent.stream("go")) {
            wait.started.get(10, TimeUnit.SECONDS);
            // Another process (sharing the store) ends the run: its write is not the owner's.
            RunResult stored = db.getRun(stream.runId()).orElseThrow();
            assertThat(db.finishRun(stored.withStatus(RunStatus.ERROR,
                    java.util.Optional.of(new dev.cadre.run.RunFailure("ended_elsewhere", "ended by an operator")))))
                    .isTrue();
            wait.mayReturn.complete(null);
            stream.forEach(events::add);
        }
        assertThat(events.getLast()).isInstanceOfSatisfying(RunError.class, e -> {
            assertThat(e.status()).isEqualTo(RunStatus.ERROR);
            assertThat(e.content()).isEqualTo("ended by an operator");
        });
    }
}
