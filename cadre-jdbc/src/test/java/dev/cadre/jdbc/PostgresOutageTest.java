package dev.cadre.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.Agent;
import dev.cadre.RunManager;
import dev.cadre.Team;
import dev.cadre.testkit.ScriptedModel;
import dev.cadre.testkit.ScriptedModel.Reply;
import dev.cadre.run.CancelResult;
import dev.cadre.run.RunRequest;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.run.TeamRunOutput;
import dev.cadre.db.DbException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The database goes down under a running store, and comes back: nothing accepted is lost. */
class PostgresOutageTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static ThrowawayPostgres pg;

    @BeforeAll
    static void startCluster() {
        pg = ThrowawayPostgres.start();
    }

    @AfterAll
    static void dropCluster() {
        if (pg != null) {
            pg.close();
        }
    }

    private static void awaitUp(PostgresDb db) {
        Eventually.await("the store answers again", WAIT, () -> {
            try {
                db.ping();
                return true;
            } catch (DbException e) {
                return false;
            }
        });
    }

    @Test
    void while_the_server_is_down_calls_fail_at_once_and_the_store_recovers_by_itself() {
        try (PostgresDb db = PostgresDb.builder().url(pg.url()).withoutJournal().build()) {
            db.saveSession(Runs.teamSession("s1", Runs.T0));
            pg.down();
            try {
                // The first call finds out (within the connect timeout)...
                assertThatThrownBy(db::ping).isInstanceOfSatisfying(DbException.class,
                        e -> assertThat(e.kind()).isEqualTo(DbException.Kind.UNAVAILABLE));
                // ...and the next ones fail at once, without trying to connect, saying since when.
                assertThatThrownBy(() -> db.getSession("s1")).isInstanceOfSatisfying(DbException.class, e -> {
                    assertThat(e.kind()).isEqualTo(DbException.Kind.UNAVAILABLE);
                    assertThat(e.getMessage()).contains("has been unreachable since").contains("may be retried");
                });
            } finally {
                pg.up();
            }
            awaitUp(db);
            assertThat(db.getSession("s1")).isPresent();
        }
    }

    @Test
    void a_team_run_that_ends_while_the_server_is_down_is_stored_with_its_members_once_it_is_back(
            @TempDir Path journal) throws Exception {
        try (PostgresDb db = PostgresDb.builder().url(pg.url()).journalDirectory(journal).build()) {
            RunManager runs = RunManager.builder().finalWriteRetry(Duration.ofMillis(20), Duration.ofMillis(200))
                    .build();
            CompletableFuture<Void> gate = new CompletableFuture<>();
            ScriptedModel memberModel = ScriptedModel.of(Reply.text("").thenAwait(gate).thenText("the facts"));
            Agent researcher = Agent.builder().name("Researcher").model(memberModel).build();
            Team team = Team.builder().name("Research Team").members(researcher).db(db).runManager(runs)
                    .model(ScriptedModel.of(Reply.toolCall("delegate_task_to_member",
                            "{\"member_id\":\"researcher\",\"task\":\"find facts\"}"), Reply.text("the summary")))
                    .build();
            CompletableFuture<TeamRunOutput> run = team.runAsync(RunRequest.builder("go").runId("outage-run").build());
            assertThat(memberModel.awaitCalls(1, WAIT)).isTrue();

            pg.down();
            try {
                gate.complete(null); // the member ends while the database is down
                Eventually.await("the member's final state waits for the database", WAIT,
                        () -> !runs.pendingFinalStates().isEmpty());
                assertThat(run).isNotDone();
                String memberRunId = runs.pendingFinalStates().getFirst();
                assertThat(team.cancelRun(memberRunId).finalStatePending()).isTrue();
                assertThat(journal.toFile().list()).hasSize(1);
            } finally {
                pg.up();
            }

            TeamRunOutput out = run.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(out.status()).isEqualTo(RunStatus.COMPLETED);
            TeamRunOutput stored = (TeamRunOutput) db.getRun("outage-run").orElseThrow();
            assertThat(stored.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(stored.content()).isEqualTo("the summary");
            assertThat(stored.memberResponses()).singleElement().satisfies(m -> {
                assertThat(m.status()).isEqualTo(RunStatus.COMPLETED);
                assertThat(m.content()).isEqualTo("the facts");
            });
            assertThat(journal.toFile().list()).isEmpty();
            runs.shutdown(Duration.ofSeconds(5));
        }
    }

    @Test
    void a_cancel_while_the_server_is_down_says_the_end_is_not_stored_yet_and_stores_it_later() throws Exception {
        try (PostgresDb db = PostgresDb.builder().url(pg.url()).withoutJournal().build()) {
            RunManager runs = RunManager.builder().finalWriteRetry(Duration.ofMillis(20), Duration.ofMillis(200))
                    .build();
            ScriptedModel model = ScriptedModel.of(Reply.stall());
            Agent agent = Agent.builder().name("Writer").model(model).db(db).runManager(runs).build();
            CompletableFuture<?> run = agent.runAsync(RunRequest.builder("go").runId("cancel-run").build());
            assertThat(model.awaitCalls(1, WAIT)).isTrue();

            CancelResult cancel;
            pg.down();
            try {
                cancel = agent.cancelRun("cancel-run");
            } finally {
                pg.up();
            }

            assertThat(cancel.outcome()).isEqualTo(CancelResult.Outcome.CANCELLED);
            assertThat(cancel.finalStatePending()).isTrue();
            run.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(db.getRun("cancel-run")).get().extracting(RunResult::status).isEqualTo(RunStatus.CANCELLED);
            runs.shutdown(Duration.ofSeconds(5));
        }
    }
}
