package dev.cadre.server.internal;

import dev.cadre.Agent;
import dev.cadre.RunManager;
import dev.cadre.Team;
import dev.cadre.store.Store;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What a server was built with. Immutable. */
public record ServerSettings(
        Map<String, Agent> agents,
        Map<String, Team> teams,
        List<String> agentOrder,
        List<String> teamOrder,
        Store store,
        Optional<RunManager> runManager,
        String host,
        int port,
        Optional<String> securityKey,
        List<String> corsOrigins,
        Duration heartbeat,
        String osId,
        List<AutoCloseable> closeOnStop) {
}
