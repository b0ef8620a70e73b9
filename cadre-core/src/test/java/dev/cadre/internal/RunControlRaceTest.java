package dev.cadre.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.run.RunStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A run's end and its reason are one decision: whoever reads the one reads the other. */
class RunControlRaceTest {

    @Test
    void aCancelRacingTheRunsOwnCancelNeverLeavesTheReasonEmpty() throws Exception {
        int rounds = 20_000;
        CyclicBarrier start = new CyclicBarrier(2);
        AtomicReference<RunControl> current = new AtomicReference<>();
        List<String> problems = new ArrayList<>();
        Thread canceller = Thread.ofPlatform().start(() -> {
            try {
                for (int i = 0; i < rounds; i++) {
                    start.await();
                    current.get().cancel("cancelled from outside");
                    start.await();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        for (int i = 0; i < rounds; i++) {
            RunControl control = RunControl.root("run-" + i);
            current.set(control);
            start.await();
            // The run's own thread ends cancelled too (it saw the cancel) and reads the reason to store it.
            RunStatus decided = control.cancel("Run run-" + i + " was cancelled");
            String reason = control.reason();
            if (decided != RunStatus.CANCELLED || reason.isEmpty()) {
                problems.add("round " + i + ": " + decided + " with reason '" + reason + "'");
            }
            start.await();
        }
        canceller.join();
        assertThat(problems).isEmpty();
    }
}
