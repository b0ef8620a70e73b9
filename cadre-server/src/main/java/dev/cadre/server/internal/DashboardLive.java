package dev.cadre.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cadre.RunManager;
import dev.cadre.run.Run;
import dev.cadre.run.RunResult;
import java.util.List;
import java.util.Optional;

/**
 * What the runs dashboard shows of a run between its stored turns. The store holds a run's content and events once
 * a turn has ended and its end once it has ended; the run's live state in this process ({@link Run#snapshot()})
 * holds the events so far and the turn under way, chunk by chunk for a streamed run. This view is the stored run's
 * tree (leader, members, nested teams) in the shape of {@code GET /runs/{run_id}}, each run of it that this process
 * executes replaced by its live state — so that the page shows its answer growing, its tool calls and delegations
 * as they happen, and its tokens so far.
 *
 * <p>Only runs this process executes have a live state: a run executing on another process of a durable fleet
 * answers {@code executing_here: false}, with its stored state. Stateless and thread-safe.
 */
final class DashboardLive {

    private DashboardLive() {}

    /** {@code {"run_id", "executing_here", "run": {...}}}: {@code stored}'s tree with the live state merged in. */
    static ObjectNode of(RunResult stored, List<RunManager> managers) {
        ObjectNode n = Views.obj();
        n.put("run_id", stored.runId());
        n.put("executing_here", find(stored.runId(), managers).isPresent());
        n.set("run", merge(Views.run(stored), managers));
        return n;
    }

    /**
     * {@code run} (a stored run's JSON), with its fields replaced by the live ones when this process executes it,
     * and its member runs merged the same way. The members come from the store: a team's live state lists only the
     * members that have ended, the store every member that has started.
     */
    private static ObjectNode merge(ObjectNode run, List<RunManager> managers) {
        if (!ended(run)) {
            JsonNode id = run.get("run_id");
            Optional<Run<?>> live = id == null ? Optional.empty() : find(id.asText(), managers);
            if (live.isPresent()) {
                JsonNode members = run.get("member_responses");
                ObjectNode now = Views.run(live.get().snapshot());
                run = now;
                if (members != null) {
                    run.set("member_responses", members);
                } else {
                    run.remove("member_responses");
                }
            }
        }
        if (run.get("member_responses") instanceof ArrayNode members) {
            for (int i = 0; i < members.size(); i++) {
                if (members.get(i) instanceof ObjectNode member) {
                    members.set(i, merge(member, managers));
                }
            }
        }
        return run;
    }

    private static Optional<Run<?>> find(String runId, List<RunManager> managers) {
        for (RunManager m : managers) {
            Optional<Run<?>> run = m.find(runId);
            if (run.isPresent()) {
                return run;
            }
        }
        return Optional.empty();
    }

    /** Whether a run's JSON says it has ended. */
    private static boolean ended(ObjectNode run) {
        return switch (run.path("status").asText()) {
            case "COMPLETED", "ERROR", "CANCELLED" -> true;
            default -> false;
        };
    }
}
