package dev.cadre.server;

import dev.cadre.db.InMemoryDb;
import dev.cadre.db.Db;

/** {@link BadInputContract} on the in-memory store. */
class BadInputTest extends BadInputContract {

    @Override
    protected Db newStore() {
        return new InMemoryDb();
    }
}
