package dev.cadre.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.Agent;
import dev.cadre.RunManager;
import dev.cadre.run.CancelResult;
import dev.cadre.run.Run;
import dev.cadre.run.RunOutput;
import dev.cadre.run.RunRequest;
import dev.cadre.run.RunStatus;
import dev.cadre.testkit.ScriptedModel;
import dev.cadre.testkit.ScriptedModel.Reply;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A cancel through one process reaches the process running the run at once, through PostgreSQL
 * {@code LISTEN/NOTIFY} — not at the owner's next cancel-request poll, which is an hour away here — and still
 * does after the listening connection was broken.
 */
class PostgresCancellationsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration NEVER = Duration.ofHours(1);

    @RegisterExtension
    final TestPostgres.FreshSchema schema = new TestPostgres.FreshSchema();

    private PostgresDb ownerDb;
    private PostgresDb otherDb;
    private RunManager owner;
    private RunManager other;

    private void start() {
        ownerDb = TestPostgres.builder(schema.name()).build();
        otherDb = TestPostgres.builder(schema.name()).build();
        owner = RunManager.builder().cancellationManager(ownerDb.cancellations()).cancelRequestPoll(NEVER).build();
        other = RunManager.builder().cancellationManager(otherDb.cancellations()).cancelRequestPoll(NEVER).build();
    }

    @AfterEach
    void stop() {
        for (RunManager m : new RunManager[] {owner, other}) {
            if (m != null) {
                m.shutdown(Duration.ZERO);
            }
        }
        for (PostgresDb db : new PostgresDb[] {ownerDb, otherDb}) {
            if (db != null) {
                db.close();
            }
        }
    }

    private Run<RunOutput> stalledRun(ScriptedModel model, String runId) throws InterruptedException {
        Agent agent = Agent.builder().name("Writer").model(model).db(ownerDb).runManager(owner).build();
        Run<RunOutput> run = agent.startInBackground(RunRequest.builder("write").runId(runId).build());
        assertThat(model.awaitCalls(1, WAIT)).isTrue();
        return run;
    }

    @Test
    void aCancelThroughAnotherProcessAbortsTheOwnersModelCallAtOnce() throws Exception {
        start();
        ScriptedModel model = ScriptedModel.of(Reply.text("Half").thenAwait(new CompletableFuture<>()));
        Run<RunOutput> run = stalledRun(model, "notified");
        awaitListening(ownerDb, 1);

        CancelResult result = other.cancel("notified", otherDb);

        assertThat(result.outcome()).isEqualTo(CancelResult.Outcome.REQUESTED);
        assertThat(model.awaitAbortedCalls(1, WAIT)).as("the owner aborted its model call").isTrue();
        RunOutput end = run.future().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(end.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(ownerDb.getRun("notified").orElseThrow().status()).isEqualTo(RunStatus.CANCELLED);
    }

    @Test
    void aBrokenListeningConnectionIsOpenedAgainAndCancelsStillArrive() throws Exception {
        start();
        ScriptedModel model = ScriptedModel.of(Reply.text("Half").thenAwait(new CompletableFuture<>()));
        Run<RunOutput> run = stalledRun(model, "after-a-break");
        awaitListening(ownerDb, 1);
        // Its own listening connection only: other users of the test database keep theirs.
        TestPostgres.execute("SELECT pg_terminate_backend(" + listenerPid(ownerDb) + ")");
        awaitListening(ownerDb, 2); // again, on a new connection

        assertThat(other.cancel("after-a-break", otherDb).outcome()).isEqualTo(CancelResult.Outcome.REQUESTED);

        assertThat(run.future().get(WAIT.toSeconds(), TimeUnit.SECONDS).status()).isEqualTo(RunStatus.CANCELLED);
    }

    /** Waits until the db's listener has opened its {@code n}-th listening connection, and listens on it. */
    private static int listenerPid(PostgresDb db) {
        return ((dev.cadre.jdbc.internal.PostgresCancellations) db.cancellations()).listenerBackendPid().orElseThrow();
    }

    private static void awaitListening(PostgresDb db, int n) throws InterruptedException {
        var cancels = (dev.cadre.jdbc.internal.PostgresCancellations) db.cancellations();
        assertThat(cancels.awaitListening(n, WAIT)).as("the cancel listener's connection " + n + " listens").isTrue();
    }
}
