package dev.cadre.examples;

import dev.cadre.Agent;
import dev.cadre.Team;
import dev.cadre.run.CancelResult;
import dev.cadre.run.RunStatus;
import dev.cadre.run.TeamRunOutput;
import dev.cadre.db.Db;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Optional;

/**
 * Example demonstrating background execution with a Team.
 *
 * <p>Background execution allows you to start a team run that returns immediately with a PENDING
 * status, while the actual work continues in the background. You can then poll for completion or
 * cancel the run.
 *
 * <p>Requirements: nothing. The db is SQLite ({@code cadre.db}) unless {@code --db} gives another
 * (for example a PostgreSQL URL); the models are OpenAI's with {@code OPENAI_API_KEY} set, an
 * OpenAI-compatible server's with {@code OPENAI_BASE_URL}, otherwise a local fake OpenAI server.
 *
 * <p>Usage: {@code mvn -q -pl cadre-examples -am compile exec:exec
 * -Dexec.mainClass=dev.cadre.examples.BackgroundExecution [-Dcadre.args="--db URL"]}
 */
public final class BackgroundExecution {

    /** How long the example waits; the seed's values by default, shorter in tests. */
    public record Timing(Duration pollEvery, int maxPolls, Duration cancelAfter, Duration checkAfterCancel) {
        public static final Timing SEED = new Timing(Duration.ofSeconds(1), 60, Duration.ofSeconds(3),
                Duration.ofSeconds(1));
    }

    private final Db db;
    private final ExampleModels models;
    private final Timing timing;
    private final PrintStream out;

    public BackgroundExecution(Db db, ExampleModels models, Timing timing, PrintStream out) {
        this.db = db;
        this.models = models;
        this.timing = timing;
        this.out = out;
    }

    /** Start a team background run and poll until complete. */
    public RunStatus exampleTeamBackgroundRun() throws InterruptedException {
        out.println("=".repeat(60));
        out.println("Team Background Run with Polling");
        out.println("=".repeat(60));

        Agent researcher = Agent.builder()
                .name("Researcher")
                .model(models.responses("gpt-5.2-mini"))
                .role("Research topics and provide factual information.")
                .build();

        Agent writer = Agent.builder()
                .name("Writer")
                .model(models.responses("gpt-5.2-mini"))
                .role("Write clear and concise summaries.")
                .build();

        Team team = Team.builder()
                .name("ResearchTeam")
                .model(models.responses("gpt-5.2-mini"))
                .members(researcher, writer)
                .instructions(
                        "First, have the researcher gather key facts.",
                        "Then, have the writer create a concise summary.")
                .db(db)
                .build();

        // Start a background run -- returns immediately with PENDING status
        TeamRunOutput runOutput = team.runInBackground(
                "What are the three laws of thermodynamics? Summarize each in one sentence.");

        out.println("Run ID: " + runOutput.runId());
        out.println("Session ID: " + runOutput.sessionId());
        out.println("Status: " + runOutput.status());
        if (runOutput.status() != RunStatus.PENDING) {
            throw new AssertionError("Expected PENDING, got " + runOutput.status());
        }

        // Poll for completion
        out.println("\nPolling for completion...");
        for (int i = 0; i < timing.maxPolls(); i++) {
            Thread.sleep(timing.pollEvery());
            Optional<TeamRunOutput> result = team.getRunOutputAsync(runOutput.runId(), runOutput.sessionId()).join();
            if (result.isEmpty()) {
                out.printf("  [%ds] Run not found in DB yet%n", i + 1);
                continue;
            }

            out.printf("  [%ds] Status: %s%n", i + 1, result.get().status());

            if (result.get().status() == RunStatus.COMPLETED) {
                out.println("\nCompleted! Content:\n" + result.get().content());
                return RunStatus.COMPLETED;
            } else if (result.get().status() == RunStatus.ERROR) {
                out.println("\nFailed! Content: " + result.get().content());
                return RunStatus.ERROR;
            }
        }
        out.println("\nTimed out waiting for completion");
        return RunStatus.RUNNING;
    }

    /** Start a team background run and cancel it. */
    public Optional<RunStatus> exampleCancelTeamBackgroundRun() throws InterruptedException {
        out.println();
        out.println("=".repeat(60));
        out.println("Cancel a Team Background Run");
        out.println("=".repeat(60));

        Agent researcher = Agent.builder()
                .name("Researcher")
                .model(models.responses("gpt-5.2-mini"))
                .role("Research topics thoroughly.")
                .build();

        Agent writer = Agent.builder()
                .name("Writer")
                .model(models.responses("gpt-5.2-mini"))
                .role("Write detailed essays.")
                .build();

        Team team = Team.builder()
                .name("EssayTeam")
                .model(models.responses("gpt-5.2-mini"))
                .members(researcher, writer)
                .instructions(
                        "Have the researcher gather comprehensive information.",
                        "Then have the writer create a detailed essay.")
                .db(db)
                .build();

        // Start a long background run
        TeamRunOutput runOutput = team.runInBackground(
                "Write a detailed essay about the history of artificial intelligence. "
                        + "Make it at least 3000 words.");

        out.println("Run ID: " + runOutput.runId());
        out.println("Status: " + runOutput.status());

        // Wait a moment, then cancel
        Thread.sleep(timing.cancelAfter());
        out.println("Cancelling run...");
        CancelResult cancelled = team.cancelRun(runOutput.runId());
        out.println("Cancel result: " + cancelled.outcome() + " (" + cancelled.message() + ")");

        // Check final state
        Thread.sleep(timing.checkAfterCancel());
        Optional<TeamRunOutput> result = team.getRunOutputAsync(runOutput.runId(), runOutput.sessionId()).join();
        result.ifPresent(r -> out.println("Final status: " + r.status()));
        return result.map(TeamRunOutput::status);
    }

    public void runAll() throws InterruptedException {
        exampleTeamBackgroundRun();
        exampleCancelTeamBackgroundRun();
        out.println("\nAll examples completed!");
    }

    public static void main(String[] args) throws Exception {
        ExampleArgs parsed = ExampleArgs.parse(args, "sqlite:cadre.db?session_table=team_bg_exec_sessions");
        try (ExampleModels models = ExampleModels.fromEnvironment(System.out); Db db = parsed.openDb()) {
            new BackgroundExecution(db, models, Timing.SEED, System.out).runAll();
        }
    }
}
