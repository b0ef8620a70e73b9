package dev.cadre.server;

import dev.cadre.store.InMemoryStore;
import dev.cadre.store.Store;

/** {@link MetricsApiContract} on the in-memory store. */
class MetricsApiTest extends MetricsApiContract {

    @Override
    protected Store newStore() {
        return new InMemoryStore();
    }
}
