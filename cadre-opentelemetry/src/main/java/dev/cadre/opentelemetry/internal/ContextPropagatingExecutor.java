package dev.cadre.opentelemetry.internal;

import dev.cadre.run.RunExecutor;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.util.Objects;

/**
 * A {@link RunExecutor} that runs each background run in the OpenTelemetry context current when it was
 * submitted: {@code startInBackground} submits on the caller's thread, so the caller's span becomes the run's
 * parent although the run executes elsewhere.
 */
public record ContextPropagatingExecutor(RunExecutor delegate) implements RunExecutor {

    public ContextPropagatingExecutor {
        Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public void submit(Runnable run) {
        delegate.submit(Context.current().wrap(run));
    }

    @Override
    public void stopAccepting() {
        delegate.stopAccepting();
    }

    @Override
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        return delegate.awaitIdle(timeout);
    }
}
