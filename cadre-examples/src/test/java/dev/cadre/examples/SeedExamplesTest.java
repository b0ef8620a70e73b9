package dev.cadre.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.jdbc.SqliteDb;
import dev.cadre.jdbc.TestPostgres;
import dev.cadre.run.RunStatus;
import dev.cadre.db.Db;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two seed programs, run as shipped (real OpenAI client code against the offline fake server),
 * on SQLite and on PostgreSQL, with the waits shortened.
 */
class SeedExamplesTest {

    private static final OfflineScripts.Pacing FAST = new OfflineScripts.Pacing(Duration.ofMillis(5),
            Duration.ofMillis(20));
    /**
     * {@code BackgroundExecution} waits as its seed does, for fixed times. So: polls enough for two
     * minutes (it stops at COMPLETED, so a fast machine never uses them); a cancel that lands mid-essay
     * whenever it comes (the essay streams for over ten seconds); and a generous pause before the
     * cancelled run's status is read back once.
     */
    private static final BackgroundExecution.Timing QUICK = new BackgroundExecution.Timing(Duration.ofMillis(100),
            1_200, Duration.ofMillis(500), Duration.ofSeconds(3));

    abstract static class OnADatabase {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

        abstract Db db();

        String output() {
            return bytes.toString(StandardCharsets.UTF_8);
        }

        @Test
        void backgroundExecutionIsPendingThenPolledToCompletedAndTheCancelledRunReadsBackCancelled() throws Exception {
            try (ExampleModels models = ExampleModels.offline(FAST)) {
                BackgroundExecution example = new BackgroundExecution(db(), models, QUICK, out);

                assertThat(example.exampleTeamBackgroundRun()).isEqualTo(RunStatus.COMPLETED);
                assertThat(example.exampleCancelTeamBackgroundRun()).contains(RunStatus.CANCELLED);
            }
            assertThat(output()).contains("Team Background Run with Polling", "Status: PENDING",
                    "Polling for completion...", "Completed! Content:\nFirst law: energy cannot be created",
                    "Cancel a Team Background Run", "Cancelling run...", "Cancel result: CANCELLED",
                    "Final status: CANCELLED");
        }

        @Test
        void aStreamedTeamRunIsCancelledFromAnotherThread() throws Exception {
            Map<String, Object> result;
            try (ExampleModels models = ExampleModels.offline(FAST)) {
                // The other thread cancels once the story has begun, not after the program's fixed delay.
                result = CancelTeamRun.cancellingAtFirstContent(db(), models, out).run();
            }
            assertThat(result).containsEntry("status", "cancelled").containsEntry("cancelled", true);
            String preview = (String) result.get("content");
            assertThat(preview).endsWith("...");
            String streamed = preview.substring(0, preview.length() - "...".length());
            assertThat(streamed).as("what was streamed before the cancel: the story's first words")
                    .isNotEmpty().startsWith("Once");
            assertThat(OfflineScripts.DRAGON_STORY).startsWith(streamed);
            assertThat(output()).contains("🚀 Team run started:", "🚫 Cancelling team run:",
                    "marked for cancellation", "🚫 Member run was cancelled:", "🚫 Team run was cancelled:",
                    "Status in the db: CANCELLED", "✅ SUCCESS: Team run was successfully cancelled!");
            assertThat(output().indexOf("Member run was cancelled"))
                    .isLessThan(output().indexOf("Team run was cancelled"));
        }
    }

    @Nested
    class OnSqlite extends OnADatabase {
        @TempDir
        Path dir;
        private SqliteDb db;

        @Override
        Db db() {
            if (db == null) {
                db = SqliteDb.builder().file(dir.resolve("cadre.db")).sessionTable("team_bg_exec_sessions").build();
            }
            return db;
        }

        @AfterEach
        void close() {
            if (db != null) {
                db.close();
            }
        }
    }

    @Nested
    class OnPostgres extends OnADatabase {
        private String schema;
        private Db db;

        @Override
        Db db() {
            if (db == null) {
                TestPostgres.require();
                schema = TestPostgres.createSchema();
                db = TestPostgres.builder(schema).sessionTable("team_bg_exec_sessions").build();
            }
            return db;
        }

        @AfterEach
        void close() {
            if (db != null) {
                db.close();
                TestPostgres.dropSchema(schema);
            }
        }
    }

}
