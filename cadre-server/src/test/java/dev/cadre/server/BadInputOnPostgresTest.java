package dev.cadre.server;

import dev.cadre.jdbc.TestPostgres;
import dev.cadre.store.Store;
import org.junit.jupiter.api.AfterAll;

/**
 * {@link BadInputContract} on PostgreSQL, which cannot store a NUL in text or JSON: the store that once
 * answered such input with a 500 carrying its SQL state and host.
 */
class BadInputOnPostgresTest extends BadInputContract {

    private String schema;

    @Override
    protected Store newStore() {
        TestPostgres.require();
        schema = TestPostgres.createSchema();
        return TestPostgres.builder(schema).build();
    }

    @AfterAll
    void dropSchema() {
        if (schema != null) {
            TestPostgres.dropSchema(schema);
        }
    }
}
