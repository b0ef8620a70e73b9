package dev.cadre.server;

import dev.cadre.jdbc.TestPostgres;
import dev.cadre.store.Store;
import org.junit.jupiter.api.AfterAll;

/** {@link SessionApiContract} on PostgreSQL. */
class SessionApiOnPostgresTest extends SessionApiContract {

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
