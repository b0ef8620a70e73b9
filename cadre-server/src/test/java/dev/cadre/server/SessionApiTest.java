package dev.cadre.server;

import dev.cadre.db.InMemoryDb;
import dev.cadre.db.Db;

/** {@link SessionApiContract} on the in-memory store. */
class SessionApiTest extends SessionApiContract {

    @Override
    protected Db newStore() {
        return new InMemoryDb();
    }
}
