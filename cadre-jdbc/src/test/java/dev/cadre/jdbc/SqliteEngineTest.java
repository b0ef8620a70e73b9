package dev.cadre.jdbc;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;

class SqliteEngineTest extends EngineOnDatabaseContract {

    @TempDir
    Path dir;

    @Override
    protected JdbcDb openDb(String instanceId, Duration staleAfter, Clock clock) {
        return SqliteDb.builder().file(dir.resolve("cadre.db")).instanceId(instanceId).staleAfter(staleAfter)
                .clock(clock).build();
    }
}
