package dev.cadre.micrometer;

import dev.cadre.run.RunInfo;
import dev.cadre.run.RunListener;
import dev.cadre.run.RunResult;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Counts runs down as they end. Registered after {@link CadreMetrics} on the same manager, it hears each end after
 * the metrics did (listeners are called in the order they were added), so a test that awaits it reads the meters
 * of every ended run.
 */
final class Ends implements RunListener {

    private final CountDownLatch ended;

    Ends(int runs) {
        ended = new CountDownLatch(runs);
    }

    @Override
    public void runEnded(RunInfo run, RunResult end) {
        ended.countDown();
    }

    boolean await(Duration timeout) throws InterruptedException {
        return ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
