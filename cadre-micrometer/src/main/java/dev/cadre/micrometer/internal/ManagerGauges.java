package dev.cadre.micrometer.internal;

import static dev.cadre.micrometer.internal.MeterNames.*;

import dev.cadre.RunManager;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * The gauges of the run managers bound to one registry: each reads the sum over them, so that binding a second
 * manager adds to the same series instead of being dropped by the registry as a duplicate. Thread-safe.
 */
public final class ManagerGauges {

    private final MeterRegistry registry;
    private final Set<RunManager> managers = Collections.synchronizedSet(Collections.newSetFromMap(
            new IdentityHashMap<>()));
    private boolean registered;

    public ManagerGauges(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Adds {@code runs} to what the gauges read; a manager bound before is not counted twice. */
    public synchronized void bind(RunManager runs) {
        managers.add(runs);
        if (!registered) {
            registered = true;
            // Strong references: the gauges read this object, which the registry would otherwise let go of.
            Gauge.builder(RUNS_IN_FLIGHT, this, g -> g.sum(RunManager::runningRuns))
                    .description("Runs executing now: started and not ended, member runs included")
                    .strongReference(true).register(registry);
            Gauge.builder(RUNS_QUEUED, this, g -> g.sum(RunManager::queuedBackgroundRuns))
                    .description("Background runs waiting to start now")
                    .strongReference(true).register(registry);
        }
    }

    private double sum(ToIntFunction<RunManager> count) {
        synchronized (managers) {
            return managers.stream().mapToInt(count).sum();
        }
    }
}
