package dev.cadre.server.internal;

import dev.cadre.Component;
import dev.cadre.durable.DurableRuns;
import dev.cadre.event.TerminalEvent;
import dev.cadre.run.RunRequest;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStream;
import java.util.Optional;

/**
 * How the server executes the runs it is asked for: in this process ({@link #local}, the default), or durably on a
 * fleet sharing PostgreSQL ({@link #durable}), where a run survives its process and its events can be followed
 * from any process. The routes are the same either way.
 */
public sealed interface Execution {

    /** {@code local} or {@code durable}, as {@code /health} reports it. */
    String mode();

    /** A streamed run; closing the stream before its end cancels the run. */
    RunStream stream(Component<?> c, RunRequest request);

    /** A streamed background run: it goes on when the stream is closed (a client left, to come back with /resume). */
    RunStream resumable(Component<?> c, RunRequest request);

    /** A background run, returned as stored ({@code PENDING}). */
    RunResult background(Component<?> c, RunRequest request);

    /** A blocking run: its end as stored. */
    RunResult run(Component<?> c, RunRequest request);

    /** The events of a run from its first, when they can be read from this process whatever process executes it. */
    Optional<RunStream> follow(String runId);

    static Execution local() {
        return new Local();
    }

    static Execution durable(DurableRuns durable) {
        return new Durable(durable);
    }

    /** Each run on this process's engine: streams and buffers in memory. */
    record Local() implements Execution {
        @Override
        public String mode() {
            return "local";
        }

        @Override
        public RunStream stream(Component<?> c, RunRequest request) {
            return c.stream(request);
        }

        @Override
        public RunStream resumable(Component<?> c, RunRequest request) {
            return c.stream(request);
        }

        @Override
        public RunResult background(Component<?> c, RunRequest request) {
            return c.runInBackground(request);
        }

        @Override
        public RunResult run(Component<?> c, RunRequest request) {
            return c.run(request);
        }

        @Override
        public Optional<RunStream> follow(String runId) {
            return Optional.empty(); // a local run's events are only in the memory of the process running it
        }
    }

    /**
     * Each run a DBOS workflow: background runs queued for the fleet, the others executed here and checkpointed
     * all the same; every run's events in the db's event log, which any process follows.
     */
    record Durable(DurableRuns durable) implements Execution {
        @Override
        public String mode() {
            return "durable";
        }

        @Override
        public RunStream stream(Component<?> c, RunRequest request) {
            return durable.stream(c, request);
        }

        @Override
        public RunStream resumable(Component<?> c, RunRequest request) {
            // Executed here (its client is here), read from the log like any process would.
            return durable.events(durable.start(c, request).runId(), 0);
        }

        @Override
        public RunResult background(Component<?> c, RunRequest request) {
            return durable.submit(c, request);
        }

        @Override
        public RunResult run(Component<?> c, RunRequest request) {
            try (RunStream events = durable.stream(c, request)) {
                for (var e : events) {
                    if (e instanceof TerminalEvent && e.runId().equals(events.runId())) {
                        return events.result();
                    }
                }
                // The stream ended without the run's end: this process let go of it (a deploy); it goes on elsewhere.
                throw new ApiException(503, "Cadre is shutting down: run " + events.runId() + " goes on in another "
                        + "process; poll GET /runs/" + events.runId() + " for its output");
            }
        }

        @Override
        public Optional<RunStream> follow(String runId) {
            try {
                return Optional.of(durable.events(runId, 0));
            } catch (java.util.NoSuchElementException e) {
                return Optional.empty();
            }
        }
    }
}
