package dev.cadre.durable;

import dev.cadre.Component;
import dev.cadre.event.RunEvent;
import dev.cadre.event.TerminalEvent;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStream;
import java.time.Duration;
import java.util.Iterator;
import java.util.function.BooleanSupplier;

/**
 * A foreground run's stream: closed before the run's end, it cancels the run, as a local stream does — unless
 * this process is letting go of its runs (it drains): then the stream is closed because the process stops, the
 * run goes on in another process, and only the reading stops.
 */
final class CancelOnClose implements RunStream {

    private final RunStream events;
    private final Component<?> component;
    private final BooleanSupplier lettingGo;
    private volatile boolean ended;

    CancelOnClose(RunStream events, Component<?> component, BooleanSupplier lettingGo) {
        this.events = events;
        this.component = component;
        this.lettingGo = lettingGo;
    }

    @Override
    public String runId() {
        return events.runId();
    }

    @Override
    public String sessionId() {
        return events.sessionId();
    }

    @Override
    public Iterator<RunEvent> iterator() {
        Iterator<RunEvent> it = events.iterator();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public RunEvent next() {
                RunEvent e = it.next();
                if (e instanceof TerminalEvent && e.runId().equals(runId())) {
                    ended = true;
                }
                return e;
            }
        };
    }

    @Override
    public boolean awaitNext(Duration timeout) throws InterruptedException {
        return events.awaitNext(timeout);
    }

    @Override
    public RunResult result() {
        return events.result();
    }

    @Override
    public void close() {
        try {
            if (!ended && !lettingGo.getAsBoolean()) {
                component.cancelRun(runId());
            }
        } finally {
            events.close();
        }
    }
}
