package dev.cadre.internal;

import dev.cadre.model.Message;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.db.Db;
import java.util.ArrayList;
import java.util.List;

/** The earlier runs of a session that a new top-level run sees, as messages. */
final class History {

    private History() {
    }

    /**
     * The last {@code historyRuns} completed or cancelled runs of {@code spec} in the session (not
     * {@code runId}) as user and assistant messages; a cancelled run's answer says it was interrupted.
     * Empty when the spec does not add history.
     */
    static List<Message> of(Db store, Spec spec, String sessionId, String runId) {
        Spec.Settings settings = spec.settings();
        if (!settings.addHistoryToContext()) {
            return List.of();
        }
        List<RunResult> earlier = store.listRuns(sessionId).stream()
                .filter(x -> x.componentId().equals(spec.id()) && !x.runId().equals(runId))
                .filter(x -> x.status() == RunStatus.COMPLETED || x.status() == RunStatus.CANCELLED)
                .toList();
        List<Message> out = new ArrayList<>();
        for (RunResult past : earlier.subList(Math.max(0, earlier.size() - settings.historyRuns()), earlier.size())) {
            out.add(Message.user(past.input().inputContent()).asHistory());
            String answer = past.content();
            if (past.status() == RunStatus.CANCELLED) {
                boolean nothing = answer.isBlank() || answer.startsWith(RunRegistry.cancelReason(past.runId()));
                answer = nothing ? "[No answer: this run was cancelled before anything was written.]"
                        : answer + "\n\n[This answer was interrupted: the run was cancelled before it finished.]";
            }
            out.add(Message.assistant(answer).asHistory());
        }
        return out;
    }
}
