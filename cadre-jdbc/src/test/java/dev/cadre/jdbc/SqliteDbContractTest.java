package dev.cadre.jdbc;

import dev.cadre.db.Db;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;

class SqliteDbContractTest extends DbContract {

    @TempDir
    Path dir;

    @Override
    protected Db newStore(MutableClock clock) {
        return SqliteDb.builder().file(dir.resolve("cadre.db")).clock(clock).heartbeatInterval(Duration.ZERO)
                .instanceId("contract-test").build();
    }
}
