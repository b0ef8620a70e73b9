package dev.cadre.durable.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.jdbc.OwnHeartbeat;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The lease: a process acts for its durable runs only while its heartbeat is steady and a check of the recorded
 * deaths made during that steady stretch found none of its own.
 */
class FenceTest {

    private static final Duration MAX_GAP = Duration.ofSeconds(6);
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final AtomicLong now = new AtomicLong(5_000_000_000L);
    private final AtomicBoolean drained = new AtomicBoolean();
    private final AtomicReference<OwnHeartbeat> own = new AtomicReference<>(new OwnHeartbeat(Long.MIN_VALUE, 0,
            MAX_GAP));
    private final Fence fence = new Fence(drained::get, own::get, now::get);

    /** A heartbeat steady since {@code since}, its last beat at {@code last}. */
    private void steady(long since, long last) {
        own.set(new OwnHeartbeat(since, last, MAX_GAP));
    }

    @Test
    void no_lease_before_a_check_of_the_recorded_deaths() {
        steady(now.get(), now.get());
        assertThat(fence.leased()).isFalse();
        fence.checked(now.get());
        assertThat(fence.leased()).isTrue();
    }

    @Test
    void a_check_made_before_the_steady_stretch_began_does_not_count() {
        long checked = now.get();
        fence.checked(checked);
        // The heartbeat failed (an outage, a pause), then came back: someone may have recorded this process's
        // death meanwhile, and the check before says nothing about that.
        steady(checked + 1, checked + 1);
        assertThat(fence.leased()).isFalse();
        fence.checked(checked + 2);
        assertThat(fence.leased()).isTrue();
    }

    @Test
    void the_lease_ends_when_the_heartbeat_is_not_steady() {
        steady(now.get(), now.get());
        fence.checked(now.get());
        now.addAndGet(MAX_GAP.toNanos() + 1); // the next beat is late
        assertThat(fence.leased()).isFalse();
        steady(Long.MIN_VALUE, now.get()); // a failed beat
        assertThat(fence.leased()).isFalse();
    }

    @Test
    void a_step_waits_for_the_lease() throws Exception {
        steady(now.get(), now.get());
        CompletableFuture<Void> step = CompletableFuture.runAsync(fence::awaitLease);
        assertThat(step).isNotDone();
        fence.checked(now.get());
        step.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void an_interrupt_does_not_let_a_step_start_without_the_lease_and_is_handed_on() throws Exception {
        steady(now.get(), now.get());
        AtomicBoolean leasedAtReturn = new AtomicBoolean();
        AtomicBoolean interruptedAtReturn = new AtomicBoolean();
        Thread step = Thread.ofPlatform().start(() -> {
            Thread.currentThread().interrupt(); // as a let-go check or DBOS's shutdown would
            fence.holdLease();
            leasedAtReturn.set(fence.leased());
            interruptedAtReturn.set(Thread.currentThread().isInterrupted());
        });
        // The step waits for the lease (its thread parks in the wait) rather than going on without it.
        while (step.isAlive() && step.getState() != Thread.State.TIMED_WAITING) {
            Thread.onSpinWait();
        }
        fence.checked(now.get());
        step.join(WAIT.toMillis());
        assertThat(step.isAlive()).isFalse();
        assertThat(leasedAtReturn).as("it returned holding the lease").isTrue();
        assertThat(interruptedAtReturn).as("the interrupt is handed on").isTrue();
    }

    @Test
    void a_step_waiting_for_the_lease_goes_on_when_the_process_drains() throws Exception {
        CompletableFuture<Boolean> step = CompletableFuture.supplyAsync(() -> {
            fence.awaitLease();
            return fence.released();
        });
        drained.set(true);
        assertThat(step.get(WAIT.toSeconds(), TimeUnit.SECONDS)).as("released: nothing more is recorded").isTrue();
    }

    @Test
    void an_interrupt_ends_the_wait_with_the_interrupt_kept_for_the_run_to_take_as_a_cancel() throws Exception {
        CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().start(() -> {
            fence.awaitLease();
            interrupted.complete(Thread.currentThread().isInterrupted());
        });
        t.interrupt();
        assertThat(interrupted.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(fence.leased()).isFalse();
    }

    @Test
    void outside_a_workflow_nothing_is_let_go_of() {
        Runnable left = fence.enter();
        assertThat(fence.executing()).isEmpty();
        assertThat(fence.released()).isFalse();
        assertThat(fence.letGo(java.util.List.of("cadre-run:x"))).isEmpty();
        left.run();
    }
}
