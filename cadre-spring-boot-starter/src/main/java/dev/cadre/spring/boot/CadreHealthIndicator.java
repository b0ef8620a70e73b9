package dev.cadre.spring.boot;

import dev.cadre.RunManager;
import dev.cadre.db.Db;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Actuator's {@code cadre} health: {@code UP} while the store answers a ping, {@code DOWN} with the store's own
 * reason when it does not; its details name the store and count the runs in flight under the run manager.
 * Never blocks for long: a store known to be unreachable fails its ping at once.
 */
public final class CadreHealthIndicator implements HealthIndicator {

    private final Db db;
    private final RunManager runManager;

    public CadreHealthIndicator(Db db, RunManager runManager) {
        this.db = db;
        this.runManager = runManager;
    }

    @Override
    public Health health() {
        Health.Builder health;
        try {
            db.ping();
            health = Health.up();
        } catch (RuntimeException e) {
            health = Health.down().withDetail("error", "The store " + db.id() + " does not answer: " + e.getMessage());
        }
        return health.withDetail("store", db.id()).withDetail("runsInFlight", runManager.activeRunIds().size())
                .build();
    }
}
