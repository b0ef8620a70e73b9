package dev.cadre.server;

import dev.cadre.jdbc.SqliteDb;
import dev.cadre.db.Db;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** {@link SessionApiContract} on SQLite. */
class SessionApiOnSqliteTest extends SessionApiContract {

    @TempDir
    static Path dir;

    @Override
    protected Db newStore() {
        return SqliteDb.builder().file(dir.resolve("sessions.db")).build();
    }
}
