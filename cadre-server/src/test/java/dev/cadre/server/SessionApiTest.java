package dev.cadre.server;

import dev.cadre.store.InMemoryStore;
import dev.cadre.store.Store;

/** {@link SessionApiContract} on the in-memory store. */
class SessionApiTest extends SessionApiContract {

    @Override
    protected Store newStore() {
        return new InMemoryStore();
    }
}
