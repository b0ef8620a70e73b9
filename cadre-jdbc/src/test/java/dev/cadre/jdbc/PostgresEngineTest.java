package dev.cadre.jdbc;

import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;

class PostgresEngineTest extends EngineOnDatabaseContract {

    private String schema;

    @Override
    protected JdbcDb openDb(String instanceId, Duration staleAfter, Clock clock) {
        if (schema == null) {
            TestPostgres.require();
            schema = TestPostgres.createSchema();
        }
        return TestPostgres.builder(schema).instanceId(instanceId).staleAfter(staleAfter).clock(clock).build();
    }

    @AfterEach
    void dropSchema() {
        if (schema != null) {
            if (db != null) {
                db.close(); // before the drop; closing again afterwards does nothing
            }
            TestPostgres.dropSchema(schema);
        }
    }
}
