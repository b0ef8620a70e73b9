package dev.cadre.model.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.internal.RunControl;
import dev.cadre.model.ModelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class RetryLoopTest {

    /** Retries every failure at once; gives up with a "gave_up" exception naming the attempts. */
    private static final RetryPolicy AT_ONCE = policy(Optional.of(Duration.ZERO));

    private final RunControl run = RunControl.root("run-1");

    private static RetryPolicy policy(Optional<Duration> delay) {
        return new RetryPolicy() {
            @Override
            public Optional<Duration> retryDelay(RuntimeException failure, int attempt) {
                return delay;
            }

            @Override
            public ModelException giveUp(RuntimeException failure, int attempts) {
                return new ModelException(failure.getMessage() + " after " + attempts, "gave_up", failure);
            }
        };
    }

    @Test
    void retriesFailuresThePolicyRetriesUntilAnAttemptSucceeds() {
        List<Integer> attempts = new ArrayList<>();
        String answer = new RetryLoop(2, AT_ONCE).run(run, n -> {
            attempts.add(n);
            if (n < 2) {
                throw new IllegalStateException("boom");
            }
            return "ok";
        }, () -> true);

        assertThat(answer).isEqualTo("ok");
        assertThat(attempts).containsExactly(0, 1, 2);
    }

    @Test
    void givesUpWithThePolicysExceptionOnceTheRetriesAreSpent() {
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> new RetryLoop(2, AT_ONCE).run(run, n -> {
            attempts.incrementAndGet();
            throw new IllegalStateException("boom");
        }, () -> true)).isInstanceOfSatisfying(ModelException.class, e -> {
            assertThat(e.errorType()).isEqualTo("gave_up");
            assertThat(e.getMessage()).isEqualTo("boom after 3");
        });
        assertThat(attempts).hasValue(3);
    }

    @Test
    void givesUpAtOnceWhenThePolicyAsksForNoRetryOrTheCallMayNotBeRetried() {
        AtomicInteger attempts = new AtomicInteger();
        RetryLoop.Attempt<String> failing = n -> {
            attempts.incrementAndGet();
            throw new IllegalStateException("boom");
        };

        assertThatThrownBy(() -> new RetryLoop(5, policy(Optional.empty())).run(run, failing, () -> true))
                .hasMessage("boom after 1");
        assertThatThrownBy(() -> new RetryLoop(5, AT_ONCE).run(run, failing, () -> false))
                .hasMessage("boom after 1");
        assertThat(attempts).hasValue(2);
    }

    @Test
    void aModelExceptionFromAnAttemptEndsTheCallAsItIs() {
        ModelException own = new ModelException("no key", "authentication_error", null);
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> new RetryLoop(3, AT_ONCE).run(run, n -> {
            attempts.incrementAndGet();
            throw own;
        }, () -> true)).isSameAs(own);
        assertThat(attempts).hasValue(1);
    }

    @Test
    void noAttemptStartsOnceTheSignalIsAborted() {
        run.cancel("stop");
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> new RetryLoop(3, AT_ONCE).run(run, n -> attempts.incrementAndGet(), () -> true))
                .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.errorType()).isEqualTo("cancelled"));
        assertThat(attempts).hasValue(0);
    }

    @Test
    void aFailureAfterAnAbortIsCancelledWithTheFailureAsCauseAndNotRetried() {
        IllegalStateException closed = new IllegalStateException("socket closed");
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> new RetryLoop(3, AT_ONCE).run(run, n -> {
            attempts.incrementAndGet();
            run.cancel("stop");
            throw closed;
        }, () -> true)).isInstanceOfSatisfying(ModelException.class, e -> {
            assertThat(e.errorType()).isEqualTo("cancelled");
            assertThat(e.getMessage()).isEqualTo("The model call was cancelled.");
            assertThat(e).hasCause(closed);
        });
        assertThat(attempts).hasValue(1);
    }

    @Test
    @Timeout(60)
    void anAbortEndsTheWaitBetweenAttemptsAtOnce() throws Exception {
        CountDownLatch waiting = new CountDownLatch(1);
        RetryPolicy aDayLater = new RetryPolicy() {
            @Override
            public Optional<Duration> retryDelay(RuntimeException failure, int attempt) {
                waiting.countDown();
                return Optional.of(Duration.ofDays(1));
            }

            @Override
            public ModelException giveUp(RuntimeException failure, int attempts) {
                throw new AssertionError("not given up but cancelled");
            }
        };
        Thread canceller = Thread.ofVirtual().start(() -> {
            try {
                waiting.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            run.cancel("stop");
        });

        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> new RetryLoop(3, aDayLater).run(run, n -> {
            attempts.incrementAndGet();
            throw new IllegalStateException("503");
        }, () -> true)).isInstanceOfSatisfying(ModelException.class, e -> {
            assertThat(e.errorType()).isEqualTo("cancelled");
            assertThat(e.getCause()).hasMessage("503");
        });
        canceller.join();
        assertThat(attempts).hasValue(1);
    }

    @Test
    void anInterruptDuringTheWaitCancelsTheCallAndKeepsTheInterruptFlag() {
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> new RetryLoop(3, policy(Optional.of(Duration.ofDays(1)))).run(run, n -> {
                throw new IllegalStateException("503");
            }, () -> true)).isInstanceOfSatisfying(ModelException.class,
                    e -> assertThat(e.errorType()).isEqualTo("cancelled"));
        } finally {
            assertThat(Thread.interrupted()).isTrue();
        }
    }

    @Test
    void rejectsANegativeNumberOfRetries() {
        assertThatThrownBy(() -> new RetryLoop(-1, AT_ONCE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxRetries must not be negative, was -1");
    }
}
