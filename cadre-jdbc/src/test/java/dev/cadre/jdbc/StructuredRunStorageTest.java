package dev.cadre.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.Agent;
import dev.cadre.db.Db;
import dev.cadre.run.RunOutput;
import dev.cadre.run.RunResult;
import dev.cadre.testkit.ScriptedModel;
import dev.cadre.testkit.ScriptedModel.Reply;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A structured answer is stored with its content type, so a run read back is still readable as its record. */
class StructuredRunStorageTest {

    record Verdict(String film, int stars) {
    }

    @RegisterExtension
    final TestPostgres.FreshSchema schema = new TestPostgres.FreshSchema();

    @TempDir
    Path dir;

    private static void roundTrip(Db db) {
        Agent critic = Agent.builder().name("Critic").db(db).outputSchema(Verdict.class)
                .model(ScriptedModel.of(Reply.text("{\"film\":\"Alien\",\"stars\":5}"))).build();

        RunOutput out = critic.run("Rate Alien");

        RunResult stored = db.getRun(out.runId()).orElseThrow();
        assertThat(stored.contentType()).isEqualTo("Verdict");
        assertThat(stored.content(Verdict.class)).isEqualTo(new Verdict("Alien", 5));
        assertThat(db.listRuns(out.sessionId())).singleElement()
                .satisfies(r -> assertThat(r.contentType()).isEqualTo("Verdict"));
    }

    @Test
    void onSqlite() {
        try (SqliteDb db = SqliteDb.file(dir.resolve("cadre.db"))) {
            roundTrip(db);
        }
    }

    @Test
    void onPostgres() {
        try (PostgresDb db = TestPostgres.builder(schema.name()).build()) {
            roundTrip(db);
        }
    }
}
