package dev.cadre.jdbc;

import dev.cadre.db.InMemoryDb;
import dev.cadre.db.Db;

/** The reference behaviour: the core's in-memory store passes the contract too. */
class InMemoryDbContractTest extends DbContract {

    @Override
    protected Db newStore(MutableClock clock) {
        return new InMemoryDb("memory", clock);
    }
}
