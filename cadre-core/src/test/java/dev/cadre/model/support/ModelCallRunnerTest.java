package dev.cadre.model.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.internal.RunControl;
import dev.cadre.model.AbortSignal;
import dev.cadre.model.ModelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class ModelCallRunnerTest {

    /** An attempt that notes an abort, as a model's link to its HTTP call would. */
    static final class TestAttempt implements ModelCallRunner.Attempt {
        private final AbortSignal.Registration registration;
        private volatile boolean aborted;
        private volatile boolean closed;

        TestAttempt(AbortSignal abort) {
            registration = abort.onAbort(() -> aborted = true);
        }

        @Override
        public boolean aborted() {
            return aborted;
        }

        @Override
        public void close() {
            closed = true;
            registration.close();
        }
    }

    private final RunControl run = RunControl.root("run-1");
    private final List<TestAttempt> begun = new CopyOnWriteArrayList<>();
    private final List<String> seen = new ArrayList<>();

    private final RetryPolicy atOnce = new RetryPolicy() {
        @Override
        public Optional<Duration> retryDelay(RuntimeException failure, int attempt) {
            return Optional.of(Duration.ZERO);
        }

        @Override
        public ModelException giveUp(RuntimeException failure, int attempts) {
            return new ModelException(failure.getMessage(), "gave_up", failure);
        }
    };

    private final ModelCallRunner<TestAttempt> runner = new ModelCallRunner<>(new RetryLoop(2, atOnce),
            ModelCallRunner.Attempts.of(abort -> {
                TestAttempt a = new TestAttempt(abort);
                begun.add(a);
                return a;
            }, (failure, attempt) -> new ModelException("broke: " + failure.getMessage(), "mid_stream", failure)));

    /** A stream of {@code events}, failing with {@code failure} after them when it is given. */
    private ModelCallRunner.EventStream<String> stream(List<String> events, Optional<RuntimeException> failure) {
        Iterator<String> it = events.iterator();
        return ModelCallRunner.EventStream.of(() -> new Iterator<>() {
            @Override
            public boolean hasNext() {
                if (!it.hasNext() && failure.isPresent()) {
                    throw failure.get();
                }
                return it.hasNext();
            }

            @Override
            public String next() {
                return it.next();
            }
        }, () -> seen.add("closed"));
    }

    @Test
    void aNonStreamedCallRunsAnAttemptPerTryAndClosesEach() {
        String answer = runner.invoke(run, attempt -> {
            if (begun.size() < 2) {
                throw new IllegalStateException("503");
            }
            return "answer";
        });

        assertThat(answer).isEqualTo("answer");
        assertThat(begun).hasSize(2).allMatch(a -> a.closed);
    }

    @Test
    void aNonStreamedAttemptThatFailsOnceAbortedEndsTheCallCancelled() {
        IllegalStateException cut = new IllegalStateException("socket closed");
        assertThatThrownBy(() -> runner.invoke(run, attempt -> {
            run.cancel("stop");
            throw cut;
        })).isInstanceOfSatisfying(ModelException.class, e -> {
            assertThat(e.errorType()).isEqualTo("cancelled");
            assertThat(e).hasRootCause(cut);
        });
        assertThat(begun).hasSize(1);
    }

    @Test
    void aStreamHandsOnItsEventsInOrderBetweenStartAndEnd() {
        runner.stream(run, attempt -> stream(List.of("a", "b"), Optional.empty()), seen::add,
                () -> seen.add("start"), () -> seen.add("end"));

        assertThat(seen).containsExactly("start", "a", "b", "end", "closed");
    }

    @Test
    void aStreamThatFailsBeforeItsFirstEventIsRetriedAndStartsAfresh() {
        runner.stream(run, attempt -> begun.size() == 1
                        ? stream(List.of(), Optional.of(new IllegalStateException("overloaded")))
                        : stream(List.of("a"), Optional.empty()),
                seen::add, () -> seen.add("start"), () -> seen.add("end"));

        assertThat(seen).containsExactly("start", "closed", "start", "a", "end", "closed");
    }

    @Test
    void aStreamThatFailsAfterHandingOnOutputIsNotRetried() {
        assertThatThrownBy(() -> runner.stream(run,
                attempt -> stream(List.of("a"), Optional.of(new IllegalStateException("reset"))),
                seen::add, () -> { }, () -> seen.add("end")))
                .isInstanceOfSatisfying(ModelException.class, e -> {
                    assertThat(e.errorType()).isEqualTo("mid_stream");
                    assertThat(e.getMessage()).isEqualTo("broke: reset");
                });
        assertThat(begun).hasSize(1);
        assertThat(seen).containsExactly("a", "closed");
    }

    @Test
    void noEventIsHandedOnAfterTheAttemptSawTheAbort() {
        assertThatThrownBy(() -> runner.stream(run, attempt -> stream(List.of("a", "b", "c"), Optional.empty()),
                event -> {
                    seen.add(event);
                    run.cancel("stop");
                }, () -> { }, () -> seen.add("end")))
                .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.errorType()).isEqualTo("cancelled"));
        assertThat(seen).containsExactly("a", "closed");
        assertThat(begun).hasSize(1).allMatch(a -> a.closed);
    }

    @Test
    void anIncompleteStreamReportedAtItsEndFailsTheCallAsReported() {
        ModelException incomplete = new ModelException("The stream ended early", "incomplete", null);
        assertThatThrownBy(() -> runner.stream(run, attempt -> stream(List.of("a"), Optional.empty()), seen::add,
                () -> { }, () -> {
                    throw incomplete;
                })).isSameAs(incomplete);
    }
}
