package dev.cadre.jdbc;

import dev.cadre.store.InMemoryStore;
import dev.cadre.store.Store;

/** The reference behaviour: the core's in-memory store passes the contract too. */
class InMemoryStoreContractTest extends StoreContract {

    @Override
    protected Store newStore(MutableClock clock) {
        return new InMemoryStore("memory", clock);
    }
}
