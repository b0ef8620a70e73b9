package dev.cadre.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.run.CancelResult.Outcome;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class RunRegistryTest {

    private static RunRegistry.ActiveRun run(String id) {
        return new RunRegistry.ActiveRun(id, "agent", "s", RunControl.root(id), () -> {
            throw new UnsupportedOperationException("no snapshot in this test");
        }, new CompletableFuture<RunResult>(), CompletableFuture.completedFuture(null), () -> false, null,
                java.util.Optional.empty());
    }

    @Test
    void cancelIntentsAreBoundedInNumber() {
        RunRegistry registry = new RunRegistry(Duration.ofMinutes(10), 100);
        for (int i = 0; i < 1_000; i++) {
            registry.rememberCancel("never-started-" + i);
        }
        assertThat(registry.pendingCancelCount()).isEqualTo(100);
        // the newest are kept
        RunRegistry.ActiveRun newest = registry.register(run("never-started-999"), false);
        assertThat(newest.control().isCancelled()).isTrue();
        RunRegistry.ActiveRun oldest = registry.register(run("never-started-0"), false);
        assertThat(oldest.control().isCancelled()).isFalse();
    }

    @Test
    void cancelIntentsExpire() {
        RunRegistry registry = new RunRegistry(Duration.ZERO, 100);
        registry.rememberCancel("late");
        assertThat(registry.pendingCancelCount()).isZero();
        assertThat(registry.register(run("late"), false).control().isCancelled()).isFalse();
    }

    @Test
    void anIntentIsUsedOnce() {
        RunRegistry registry = new RunRegistry(Duration.ofMinutes(1), 10);
        registry.rememberCancel("r");
        RunRegistry.ActiveRun first = registry.register(run("r"), false);
        assertThat(first.control().decided()).contains(RunStatus.CANCELLED);
        assertThat(registry.pendingCancelCount()).isZero();
        assertThatThrownBy(() -> registry.register(run("r"), false)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aCancelThatLosesToCompletionSaysHowTheRunEnded() {
        RunRegistry registry = new RunRegistry(Duration.ofMinutes(1), 10);
        RunRegistry.ActiveRun r = registry.register(run("done"), false);
        assertThat(r.control().decide(RunStatus.COMPLETED)).isTrue();

        var result = registry.cancelLocal("done").orElseThrow();

        assertThat(result.outcome()).isEqualTo(Outcome.ALREADY_FINISHED);
        assertThat(result.status()).contains(RunStatus.COMPLETED);
        assertThat(r.control().isCancelled()).isFalse();
    }
}
