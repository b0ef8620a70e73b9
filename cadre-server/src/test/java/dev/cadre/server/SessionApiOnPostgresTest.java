package dev.cadre.server;

import dev.cadre.jdbc.TestPostgres;
import dev.cadre.store.Store;

/** {@link SessionApiContract} on PostgreSQL. */
class SessionApiOnPostgresTest extends SessionApiContract {

    @Override
    protected Store newStore() {
        return TestPostgres.storeInFreshSchema();
    }
}
