package dev.cadre.server;

import dev.cadre.store.InMemoryStore;
import dev.cadre.store.Store;

/** {@link BadInputContract} on the in-memory store. */
class BadInputTest extends BadInputContract {

    @Override
    protected Store newStore() {
        return new InMemoryStore();
    }
}
