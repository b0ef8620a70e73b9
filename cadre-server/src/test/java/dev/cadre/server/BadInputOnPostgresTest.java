package dev.cadre.server;

import dev.cadre.jdbc.TestPostgres;
import dev.cadre.db.Db;

/**
 * {@link BadInputContract} on PostgreSQL, which cannot store a NUL in text or JSON: the store that once
 * answered such input with a 500 carrying its SQL state and host.
 */
class BadInputOnPostgresTest extends BadInputContract {

    @Override
    protected Db newStore() {
        return TestPostgres.storeInFreshSchema();
    }
}
