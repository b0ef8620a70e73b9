package dev.cadre.spring.boot;

import dev.cadre.Component;
import dev.cadre.RunManager;
import dev.cadre.server.CadreServer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Ties Cadre's runs to the application context: started with it (the HTTP API, when enabled, starts serving), and
 * when the context closes, the run manager stops accepting runs, waits {@code cadre.shutdown.grace} for those in
 * flight and cancels the rest ({@link RunManager#shutdown(Duration)}), so no run is left {@code RUNNING}.
 *
 * <p>Its phase is below the web server's graceful shutdown: requests in flight finish (their runs with them) before
 * the runs still going are given their grace period.
 */
public final class CadreLifecycle implements SmartLifecycle {

    /** Stops after the embedded web server has stopped taking requests. */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    private static final Logger LOG = LoggerFactory.getLogger(CadreLifecycle.class);

    private final RunManager runManager;
    private final Optional<CadreServer> server;
    private final Duration grace;
    private final Supplier<List<Component<?>>> components;
    private volatile boolean running;

    CadreLifecycle(RunManager runManager, Optional<CadreServer> server, Duration grace,
            Supplier<List<Component<?>>> components) {
        this.runManager = runManager;
        this.server = server;
        this.grace = grace;
        this.components = components;
    }

    /**
     * The ids of the agent and team beans that run under another run manager than the context's (built without
     * {@code .runManager(runs)}): the context's shutdown does not end their runs.
     */
    List<String> outside() {
        return components.get().stream().filter(c -> c.runManager() != runManager).map(Component::id).toList();
    }

    @Override
    public void start() {
        for (String id : outside()) {
            LOG.warn("'{}' runs under another RunManager than the application's, so closing the application does not "
                    + "end its runs: build it with .runManager(runs), runs being the injected RunManager", id);
        }
        server.ifPresent(s -> {
            s.start();
            LOG.info("Cadre's AgentOS API serves at {}", s.baseUrl());
        });
        running = true;
    }

    /** Blocks up to the grace period (plus a few seconds for cancelled runs to be stored). */
    @Override
    public void stop() {
        if (!running) {
            return;
        }
        running = false;
        // The server's stop shuts the run manager down itself, then closes its listener.
        if (server.isPresent()) {
            server.get().stop(grace);
        }
        if (!runManager.shutdown(grace)) {
            LOG.info("Cadre cancelled the runs still going after the shutdown grace period of {}", grace);
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
