package dev.cadre.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.model.AbortSignal;
import dev.cadre.model.ModelException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TestAbortSignalTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    private final TestAbortSignal abort = new TestAbortSignal();

    @Test
    void anAbortRunsEachRegisteredActionOnceOnTheAbortingThread() {
        AtomicInteger runs = new AtomicInteger();
        Thread[] ranOn = {null};
        abort.onAbort(() -> {
            runs.incrementAndGet();
            ranOn[0] = Thread.currentThread();
        });

        assertThat(abort.isAborted()).isFalse();
        abort.abort();
        abort.abort();

        assertThat(abort.isAborted()).isTrue();
        assertThat(runs).hasValue(1);
        assertThat(ranOn[0]).isSameAs(Thread.currentThread());
    }

    @Test
    void anActionRegisteredAfterTheAbortRunsAtOnce() {
        abort.abort();
        AtomicInteger runs = new AtomicInteger();
        abort.onAbort(runs::incrementAndGet);
        assertThat(runs).hasValue(1);
    }

    @Test
    void aClosedRegistrationDoesNotRun() {
        AtomicInteger runs = new AtomicInteger();
        AbortSignal.Registration registration = abort.onAbort(runs::incrementAndGet);
        registration.close();
        abort.abort();
        assertThat(runs).hasValue(0);
    }

    @Test
    void aBackgroundCallReportsTheModelExceptionItEndedWith() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        BackgroundCall call = BackgroundCall.start(() -> {
            CountDownLatch aborted = new CountDownLatch(1);
            abort.onAbort(aborted::countDown);
            started.countDown();
            try {
                aborted.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new ModelException("The model call was cancelled.", "cancelled", null);
        });
        started.await();
        abort.abort();

        assertThat(call.failure(WAIT).errorType()).isEqualTo("cancelled");
    }

    @Test
    void aBackgroundCallThatSucceedsOrFailsOtherwiseFailsTheTest() {
        assertThatThrownBy(() -> BackgroundCall.start(() -> { }).failure(WAIT))
                .isInstanceOf(AssertionError.class).hasMessageContaining("it succeeded");
        assertThatThrownBy(() -> BackgroundCall.start(() -> {
            throw new IllegalStateException("bug");
        }).failure(WAIT)).isInstanceOf(AssertionError.class).hasMessageContaining("not java.lang.IllegalStateException");
    }
}
