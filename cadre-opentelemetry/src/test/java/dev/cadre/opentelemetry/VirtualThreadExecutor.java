package dev.cadre.opentelemetry;

import dev.cadre.run.RunExecutor;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** A plain {@link RunExecutor}: every run on a virtual thread of its own, no limits. */
final class VirtualThreadExecutor implements RunExecutor {

    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    @Override
    public void submit(Runnable run) {
        threads.execute(run);
    }

    @Override
    public void stopAccepting() {
        threads.shutdown();
    }

    @Override
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        return threads.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
