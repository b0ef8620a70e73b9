package dev.cadre.server;

import dev.cadre.jdbc.TestPostgres;
import dev.cadre.store.Store;

/**
 * {@link BadInputContract} on PostgreSQL, which cannot store a NUL in text or JSON: the store that once
 * answered such input with a 500 carrying its SQL state and host.
 */
class BadInputOnPostgresTest extends BadInputContract {

    @Override
    protected Store newStore() {
        return TestPostgres.storeInFreshSchema();
    }
}
