package dev.cadre.durable.internal;

import dev.cadre.event.AgentRunEvent;
import dev.cadre.event.RunCancelled;
import dev.cadre.event.RunCompleted;
import dev.cadre.event.RunContinued;
import dev.cadre.event.RunError;
import dev.cadre.event.RunEvent;
import dev.cadre.event.TeamRunCancelled;
import dev.cadre.event.TeamRunCompleted;
import dev.cadre.event.TeamRunContinued;
import dev.cadre.event.TeamRunError;
import dev.cadre.event.TerminalEvent;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.run.TeamRunOutput;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The events the event log writes itself: where a run was resumed, and the end of a run that sent none. */
final class LoggedEvents {

    /** The names of the events that end a run. */
    static final Set<String> TERMINAL = Set.of("RunCompleted", "RunError", "RunCancelled", "TeamRunCompleted",
            "TeamRunError", "TeamRunCancelled");

    private LoggedEvents() {
    }

    /** That the run of {@code first} (an event of the run itself) goes on here, after {@code from} stopped. */
    static RunEvent continued(RunEvent first, String here, Optional<String> from) {
        String content = "Resumed on " + here + from.map(f -> " after " + f + " stopped").orElse("")
                + ": its completed steps are replayed, not done again";
        Instant now = Instant.now();
        if (first instanceof AgentRunEvent) {
            return new RunContinued(now, first.runId(), first.sessionId(), first.parentRunId(), first.componentId(),
                    first.componentName(), here, from, content);
        }
        return new TeamRunContinued(now, first.runId(), first.sessionId(), first.parentRunId(), first.componentId(),
                first.componentName(), here, from, content);
    }

    /** The terminal event of a run that ended as stored in {@code end}: the one it recorded, or one made from it. */
    static TerminalEvent end(RunResult end) {
        List<RunEvent> recorded = end.events();
        for (int i = recorded.size() - 1; i >= 0; i--) {
            if (recorded.get(i) instanceof TerminalEvent t && recorded.get(i).runId().equals(end.runId())) {
                return t;
            }
        }
        boolean team = end instanceof TeamRunOutput;
        Instant at = Instant.now();
        String reason = end.error().map(e -> e.message()).orElse("cancelled");
        return switch (end.status()) {
            case COMPLETED -> team
                    ? new TeamRunCompleted(at, end.runId(), end.sessionId(), end.parentRunId(), end.componentId(),
                            end.componentName(), end.content(), RunStatus.COMPLETED, end.metrics(), Map.of(), List.of(),
                            end.contentType())
                    : new RunCompleted(at, end.runId(), end.sessionId(), end.parentRunId(), end.componentId(),
                            end.componentName(), end.content(), RunStatus.COMPLETED, end.metrics(), Map.of(),
                            end.contentType());
            case CANCELLED -> team
                    ? new TeamRunCancelled(at, end.runId(), end.sessionId(), end.parentRunId(), end.componentId(),
                            end.componentName(), reason, end.content().isEmpty() ? reason : end.content(),
                            RunStatus.CANCELLED)
                    : new RunCancelled(at, end.runId(), end.sessionId(), end.parentRunId(), end.componentId(),
                            end.componentName(), reason, end.content().isEmpty() ? reason : end.content(),
                            RunStatus.CANCELLED);
            default -> {
                String type = end.error().map(e -> e.type()).orElse("error");
                String message = end.error().map(e -> e.message()).orElse("The run failed");
                yield team
                        ? new TeamRunError(at, end.runId(), end.sessionId(), end.parentRunId(), end.componentId(),
                                end.componentName(), message, type, end.status())
                        : new RunError(at, end.runId(), end.sessionId(), end.parentRunId(), end.componentId(),
                                end.componentName(), message, type, end.status());
            }
        };
    }
}
