package dev.cadre.server.internal;

import dev.cadre.Agent;
import dev.cadre.RunManager;
import dev.cadre.Team;
import dev.cadre.server.internal.auth.Authenticator;
import dev.cadre.db.Db;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a server was built with. Immutable.
 *
 * @param requestTimeout how long a client may take to send a request (headers and body) and may stay silent
 *     on an idle connection; a request still running (a long blocking run, a stream) is not bound by it
 * @param prometheus the registry {@code GET /metrics/prometheus} writes; without one that route answers 404
 * @param ui whether the runs dashboard is served at {@code /ui} (with its JSON under {@code /ui/api})
 */
public record ServerSettings(
        Map<String, Agent> agents,
        Map<String, Team> teams,
        List<String> agentOrder,
        List<String> teamOrder,
        Db db,
        Optional<RunManager> runManager,
        String host,
        int port,
        Authenticator authenticator,
        List<String> corsOrigins,
        Duration heartbeat,
        Duration requestTimeout,
        String osId,
        List<AutoCloseable> closeOnStop,
        Execution execution,
        Optional<PrometheusMeterRegistry> prometheus,
        boolean ui) {

    /**
     * The run managers that execute this server's runs in this process: its own, if it has one, then each
     * component's, each once, in that order.
     */
    public List<RunManager> runManagers() {
        Set<RunManager> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<RunManager> out = new ArrayList<>();
        runManager.ifPresent(m -> {
            seen.add(m);
            out.add(m);
        });
        for (Team t : teams.values()) {
            if (seen.add(t.runManager())) {
                out.add(t.runManager());
            }
        }
        for (Agent a : agents.values()) {
            if (seen.add(a.runManager())) {
                out.add(a.runManager());
            }
        }
        return out;
    }
}
