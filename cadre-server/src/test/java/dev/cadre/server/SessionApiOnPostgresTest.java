package dev.cadre.server;

import dev.cadre.jdbc.TestPostgres;
import dev.cadre.db.Db;

/** {@link SessionApiContract} on PostgreSQL. */
class SessionApiOnPostgresTest extends SessionApiContract {

    @Override
    protected Db newStore() {
        return TestPostgres.storeInFreshSchema();
    }
}
