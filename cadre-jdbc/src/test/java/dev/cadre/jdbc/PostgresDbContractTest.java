package dev.cadre.jdbc;

import dev.cadre.db.Db;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;

class PostgresDbContractTest extends DbContract {

    private String schema;

    @Override
    protected Db newStore(MutableClock clock) {
        TestPostgres.require();
        schema = TestPostgres.createSchema();
        return TestPostgres.builder(schema).clock(clock).heartbeatInterval(Duration.ZERO)
                .instanceId("contract-test").build();
    }

    @Override
    protected int raceIterations() {
        return 100;
    }

    @AfterEach
    void dropSchema() throws Exception {
        if (schema != null) {
            store.close(); // before the drop; closing again afterwards does nothing

            TestPostgres.dropSchema(schema);
        }
    }
}
