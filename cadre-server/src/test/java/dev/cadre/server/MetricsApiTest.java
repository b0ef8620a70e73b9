package dev.cadre.server;

import dev.cadre.db.InMemoryDb;
import dev.cadre.db.Db;

/** {@link MetricsApiContract} on the in-memory store. */
class MetricsApiTest extends MetricsApiContract {

    @Override
    protected Db newStore() {
        return new InMemoryDb();
    }
}
