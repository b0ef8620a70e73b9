package dev.cadre.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.Agent;
import dev.cadre.jdbc.SqliteDb;
import dev.cadre.testkit.ScriptedModel;
import dev.cadre.testkit.ScriptedModel.Reply;
import dev.cadre.run.RunOutput;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import java.io.PrintWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code cadre runs} against a SQLite db that a team wrote. */
class RunsCommandTest {

    @TempDir
    Path dir;
    private SqliteDb db;
    private String url;
    @org.junit.jupiter.api.extension.RegisterExtension
    final Cli cli = new Cli();

    @BeforeEach
    void openDb() {
        db = SqliteDb.file(dir.resolve("cadre.db"));
        url = "sqlite:" + dir.resolve("cadre.db");
    }

    @AfterEach
    void close() {
        db.close();
    }

    private int cadre(String... args) {
        return cli.cadre(args);
    }

    private String out() {
        return cli.out();
    }

    @Test
    void listAndGetShowTheRunsOfTheDb() {
        RunOutput run = Agent.builder().name("Writer").model(ScriptedModel.of(Reply.text("A fine answer."))).db(db).build()
                .run("Write something");

        assertThat(cadre("runs", "list", "--db", url)).isZero();
        assertThat(out()).contains(run.runId(), "writer", "COMPLETED", "A fine answer.");

        assertThat(cadre("runs", "get", run.runId(), "--db", url)).isZero();
        assertThat(out()).contains("input:  Write something", "answer: A fine answer.");

        assertThat(cadre("runs", "get", run.runId(), "--db", url, "--json")).isZero();
        assertThat(out()).contains("\"run_id\" : \"" + run.runId() + "\"");
    }

    @Test
    void cancellingAFinishedRunSaysHowItEndedAndExitsOne() {
        RunOutput run = Agent.builder().name("Writer").model(ScriptedModel.of(Reply.text("done"))).db(db).build().run("x");

        assertThat(cadre("runs", "cancel", run.runId(), "--db", url)).isEqualTo(1);
        assertThat(out()).contains("ALREADY_FINISHED", "COMPLETED");
    }

    @Test
    void cancellingARunningRunOfAnotherProcessRecordsARequestThatTheOwnerCarriesOut() throws Exception {
        var gate = new java.util.concurrent.CompletableFuture<Void>();
        ScriptedModel model = ScriptedModel.of(Reply.text("working").thenAwait(gate));
        Agent agent = Agent.builder().name("Slow").model(model).db(db).build();
        var running = agent.runAsync("go");
        assertThat(model.awaitCalls(1, java.time.Duration.ofSeconds(10))).isTrue();
        String runId = db.listSessions(dev.cadre.db.SessionQuery.all()).items().stream()
                .flatMap(s -> db.listRuns(s.sessionId()).stream()).map(RunResult::runId).findFirst().orElseThrow();

        assertThat(cadre("runs", "cancel", runId, "--db", url)).isZero();

        assertThat(out()).contains("REQUESTED");
        // The owner (this JVM's default manager) finds the request at its next poll and ends its run itself,
        // keeping what it had; the model call never gets its gate.
        RunOutput end = running.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(end.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(db.getRun(runId)).get().extracting(RunResult::status).isEqualTo(RunStatus.CANCELLED);
        assertThat(model.abortedCalls()).isOne();
    }

    @Test
    void badArgumentsExitTwoWithAUsefulMessage() {
        assertThat(cadre("runs", "list")).isEqualTo(2);
        assertThat(cli.err()).contains("Missing required argument", "--db=URL | --url=URL");
        assertThat(cadre("runs", "frobnicate")).isEqualTo(2);
        assertThat(cadre("runs", "get", "x", "--db", url, "--url", "http://127.0.0.1:1")).isEqualTo(2);
    }

    @Test
    void anUnknownRunIsAClearFailure() {
        assertThat(cadre("runs", "get", "no-such-run", "--db", url)).isEqualTo(1);
        assertThat(cli.err() + out()).contains("no run no-such-run");
    }

    @Test
    void aMissingSqliteFileIsAUsageErrorNamingTheFileAndIsNotCreated() {
        Path typo = dir.resolve("typo.db");
        String[][] commands = {{"runs", "list", "--db", "sqlite:" + typo}, {"runs", "get", "r", "--db", "sqlite:" + typo},
            {"runs", "cancel", "r", "--db", "sqlite:" + typo}};
        for (String[] command : commands) {
            assertThat(cadre(command)).as(String.join(" ", command)).isEqualTo(CadreCli.USAGE);
        }
        assertThat(cli.err()).contains("There is no SQLite database " + typo + ": the file does not exist",
                "Check the --db path").doesNotContain("Usage:");
        assertThat(out()).doesNotContain("No runs.");
        assertThat(typo).doesNotExist();
        assertThat(dir.resolve("typo.db-wal")).doesNotExist();
    }

    @Test
    void cancellingAnUnknownRunInADbSaysThatNothingWasRecorded() {
        assertThat(cadre("runs", "cancel", "not-yet", "--db", url)).isEqualTo(1);
        assertThat(out()).contains("NOT_FOUND: No run not-yet is in this db. Nothing was recorded: a run started"
                + " later with this id is not cancelled.").doesNotContain("cancelled at once");
        // And truly nothing: a run started with that id afterwards completes.
        RunOutput later = Agent.builder().name("Writer").model(ScriptedModel.of(Reply.text("done"))).db(db).build()
                .run(dev.cadre.run.RunRequest.builder("x").runId("not-yet").build());
        assertThat(later.status()).isEqualTo(RunStatus.COMPLETED);
    }

    @Test
    void anUnreachableServerIsAClearFailure() {
        assertThat(cadre("runs", "cancel", "r", "--url", "http://127.0.0.1:1")).isEqualTo(1);
        assertThat(cli.err()).contains("cannot connect to the Cadre server at http://127.0.0.1:1");
    }

    @Test
    void throughARunningServerWithASecurityKey() throws Exception {
        var gate = new java.util.concurrent.CompletableFuture<Void>();
        ScriptedModel model = ScriptedModel.replying(r -> ScriptedModel.lastUserMessage(r).contains("slow")
                ? Reply.text("working").thenAwait(gate) : Reply.text("A quick answer."));
        dev.cadre.RunManager runs = dev.cadre.RunManager.builder().build();
        Agent agent = Agent.builder().id("writer").name("Writer").model(model).db(db).runManager(runs).build();
        try (dev.cadre.server.CadreServer server = dev.cadre.server.CadreServer.builder().agents(agent).db(db)
                .runManager(runs).port(0).securityKey("s3cret").build().start()) {
            String base = server.baseUrl();
            RunOutput quick = agent.run("quick");
            var slow = agent.runAsync(dev.cadre.run.RunRequest.builder("slow").runId("slow-run").build());
            assertThat(model.awaitCalls(2, java.time.Duration.ofSeconds(10))).isTrue();

            assertThat(cadre("runs", "list", "--url", base)).isEqualTo(1);
            assertThat(cli.err()).contains("needs a security key");

            assertThat(cadre("runs", "list", "--url", base, "--key", "s3cret")).as("%s", cli.err()).isZero();
            assertThat(out()).contains(quick.runId(), "slow-run", "RUNNING");
            assertThat(cadre("runs", "get", quick.runId(), "--url", base, "--key", "s3cret")).isZero();
            assertThat(out()).contains("answer: A quick answer.");

            assertThat(cadre("runs", "cancel", "slow-run", "--url", base, "--key", "s3cret")).isZero();
            assertThat(out()).contains("CANCELLED: Run slow-run was cancelled.");
            assertThat(slow.get(10, java.util.concurrent.TimeUnit.SECONDS).status()).isEqualTo(RunStatus.CANCELLED);
        }
    }

    @Test
    void everySubcommandHasHelpWithExamples() {
        for (String sub : new String[] {"list", "get", "cancel"}) {
            java.io.StringWriter help = new java.io.StringWriter();
            CommandLine command = CadreCli.commandLine();
            command.setOut(new java.io.PrintWriter(help, true));
            assertThat(command.execute("runs", sub, "--help")).isZero();
            assertThat(help.toString()).contains("Examples:", "cadre runs " + sub);
        }
    }
}
