package dev.cadre.server.internal;

import dev.cadre.Component;
import dev.cadre.RunManager;
import dev.cadre.db.Db;
import dev.cadre.run.RunStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The lines a stopping server tells its caller ({@code cadre serve} prints them): what it waits for, what ended how. */
final class StopProgress {

    private StopProgress() {
    }

    /**
     * The runs executing here, without member runs (they are part of their team's), read when the stop begins: the
     * manager's when the server has one, else those the server started itself that are still going.
     */
    static List<String> runsInProgress(ServerSettings settings, Map<String, Component<?>> ownRuns) {
        List<String> live = settings.runManager().map(RunManager::activeRunIds).orElseGet(() -> ownRuns.entrySet()
                .stream().filter(e -> e.getValue().runManager().find(e.getKey()).isPresent())
                .map(Map.Entry::getKey).toList());
        return live.stream().filter(id -> {
            try {
                return settings.db().getRun(id).map(r -> r.parentRunId().isEmpty()).orElse(true);
            } catch (RuntimeException e) {
                return true; // the store is down: count it; the stop itself does not need the store
            }
        }).toList();
    }

    static String waitingFor(int runs, Duration grace) {
        return runs == 0 ? "no runs in progress" : "waiting up to " + grace.toSeconds() + " s for " + plural(runs) + "…";
    }

    static String handedOver(int runs) {
        return runs == 0 ? "no run left to hand over" : "handed " + plural(runs) + " over to the other processes";
    }

    /** "2 finished, 1 cancelled": how the runs in progress at the stop ended, as stored. */
    static String howTheyEnded(Db db, List<String> runIds) {
        long cancelled = 0;
        for (String id : runIds) {
            try {
                cancelled += db.getRun(id).filter(r -> r.status() == RunStatus.CANCELLED).isPresent() ? 1 : 0;
            } catch (RuntimeException e) {
                // unreadable now (the store is down): counted as finished; the journal keeps its end
            }
        }
        return (runIds.size() - cancelled) + " finished, " + cancelled + " cancelled";
    }

    private static String plural(int n) {
        return n + " run" + (n == 1 ? "" : "s");
    }
}
