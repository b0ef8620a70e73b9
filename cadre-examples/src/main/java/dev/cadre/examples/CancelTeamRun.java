package dev.cadre.examples;

import dev.cadre.Agent;
import dev.cadre.Team;
import dev.cadre.event.RunCancelled;
import dev.cadre.event.RunContent;
import dev.cadre.event.RunEvent;
import dev.cadre.event.TeamRunCancelled;
import dev.cadre.event.TeamRunContent;
import dev.cadre.event.TerminalEvent;
import dev.cadre.run.CancelResult;
import dev.cadre.run.RunStatus;
import dev.cadre.run.RunStream;
import dev.cadre.db.Db;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * Cancel a team run: starts a team run in a thread and cancels it from another thread, simulating
 * how it can be done via an API. (Over HTTP: {@code POST /teams/{id}/runs/{run_id}/cancel}.)
 *
 * <p>Usage: {@code mvn -q -pl cadre-examples -am compile exec:exec
 * -Dexec.mainClass=dev.cadre.examples.CancelTeamRun [-Dcadre.args="--db URL"]}
 */
public final class CancelTeamRun {

    private final Db db;
    private final ExampleModels models;
    /** Empty: cancel as soon as the first content has been streamed. */
    private final Optional<Duration> cancelAfter;
    private final PrintStream out;

    public CancelTeamRun(Db db, ExampleModels models, Duration cancelAfter, PrintStream out) {
        this(db, models, Optional.of(Objects.requireNonNull(cancelAfter, "cancelAfter")), out);
    }

    private CancelTeamRun(Db db, ExampleModels models, Optional<Duration> cancelAfter, PrintStream out) {
        this.db = db;
        this.models = models;
        this.cancelAfter = cancelAfter;
        this.out = out;
    }

    /**
     * The same example, except that the other thread cancels as soon as the run has streamed its first
     * content rather than after a fixed delay: the moment the delay stands for, however fast or busy
     * the machine is (for tests).
     */
    static CancelTeamRun cancellingAtFirstContent(Db db, ExampleModels models, PrintStream out) {
        return new CancelTeamRun(db, models, Optional.empty(), out);
    }

    /**
     * Simulate a long-running team task that can be cancelled. {@code onContent} runs after each
     * piece of content has been printed and kept.
     */
    void longRunningTask(Team team, Map<String, Object> runIdContainer, Runnable onContent) {
        try {
            // Start the team run - this simulates a long task
            TerminalEvent finalResponse = null;
            StringBuilder contentPieces = new StringBuilder();
            try (RunStream stream = team.stream(
                    "Write a very long story about a dragon who learns to code. "
                            + "Make it at least 2000 words with detailed descriptions and dialogue. "
                            + "Take your time and be very thorough.")) {
                for (RunEvent chunk : stream) {
                    if (!runIdContainer.containsKey("run_id")) {
                        out.println("🚀 Team run started: " + chunk.runId());
                        runIdContainer.put("run_id", chunk.runId());
                    }
                    switch (chunk) {
                        case TeamRunContent c -> {
                            out.print(c.content());
                            out.flush();
                            contentPieces.append(c.content());
                            onContent.run();
                        }
                        case RunContent c -> {
                            out.print(c.content());
                            out.flush();
                            contentPieces.append(c.content());
                            onContent.run();
                        }
                        case RunCancelled c -> {
                            out.println("\n🚫 Member run was cancelled: " + c.runId());
                            runIdContainer.put("result", result("cancelled", c.runId(), true, preview(contentPieces)));
                            // unlike the seed, read on: the team's own cancel event follows
                        }
                        case TeamRunCancelled c -> {
                            out.println("\n🚫 Team run was cancelled: " + c.runId());
                            runIdContainer.put("result", result("cancelled", c.runId(), true, preview(contentPieces)));
                            return;
                        }
                        case TerminalEvent t when t.runId().equals(stream.runId()) -> finalResponse = t;
                        default -> { }
                    }
                }
            }
            // If we get here, the run completed successfully
            if (finalResponse != null) {
                runIdContainer.put("result", result(finalResponse.status().name().toLowerCase(), finalResponse.runId(),
                        finalResponse.status() == RunStatus.CANCELLED,
                        contentPieces.isEmpty() ? "No content" : preview(contentPieces)));
            } else {
                runIdContainer.put("result", result("unknown", (String) runIdContainer.get("run_id"), false,
                        contentPieces.isEmpty() ? "No content" : preview(contentPieces)));
            }
        } catch (RuntimeException e) {
            out.println("\n❌ Exception in run: " + e.getMessage());
            Map<String, Object> failed = result("error", (String) runIdContainer.get("run_id"), true, "Error occurred");
            failed.put("error", e.getMessage());
            runIdContainer.put("result", failed);
        }
    }

    /** Cancel the team run after a specified delay. */
    void cancelAfterDelay(Team team, Map<String, Object> runIdContainer, Duration delay) {
        out.println("⏰ Will cancel team run in " + delay.toMillis() / 1000.0 + " seconds...");
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        cancelNow(team, runIdContainer);
    }

    /** Cancel the team run once it has streamed content (or has ended without any). */
    void cancelAtFirstContent(Team team, Map<String, Object> runIdContainer, CountDownLatch streamed) {
        out.println("⏰ Will cancel team run as soon as it streams content...");
        try {
            streamed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        cancelNow(team, runIdContainer);
    }

    private void cancelNow(Team team, Map<String, Object> runIdContainer) {
        String runId = (String) runIdContainer.get("run_id");
        if (runId != null) {
            out.println("\n🚫 Cancelling team run: " + runId);
            CancelResult success = team.cancelRun(runId);
            if (success.accepted()) {
                out.println("✅ Team run " + runId + " marked for cancellation");
            } else {
                out.println("❌ Failed to cancel team run " + runId + " (" + success.message() + ")");
            }
        } else {
            out.println("⚠️ No run_id found to cancel");
        }
    }

    /** Main function demonstrating team run cancellation. Returns the result map. */
    public Map<String, Object> run() throws InterruptedException {
        // Create team members
        Agent storytellerAgent = Agent.builder()
                .name("StorytellerAgent")
                .model(models.chat("gpt-5-mini"))
                .description("An agent that writes creative stories")
                .build();

        Agent editorAgent = Agent.builder()
                .name("EditorAgent")
                .model(models.chat("gpt-5-mini"))
                .description("An agent that reviews and improves stories")
                .build();

        // Initialize the team with agents
        Team team = Team.builder()
                .name("Storytelling Team")
                .members(storytellerAgent, editorAgent)
                .model(models.chat("gpt-5-mini")) // Team leader model
                .description("A team that collaborates to write detailed stories")
                .db(db) // not in the seed: lets the example show the final status as stored
                .build();

        out.println("🚀 Starting team run cancellation example...");
        out.println("=".repeat(50));

        // Container to share run_id between threads
        Map<String, Object> runIdContainer = new ConcurrentHashMap<>();

        // Released at the first content, or when the run thread ends without any
        CountDownLatch streamed = new CountDownLatch(1);

        // Start the team run in a separate thread
        Thread teamThread = Thread.ofPlatform().name("TeamRunThread").unstarted(() -> {
            try {
                longRunningTask(team, runIdContainer, streamed::countDown);
            } finally {
                streamed.countDown();
            }
        });

        // Start the cancellation thread
        Thread cancelThread = Thread.ofPlatform().name("CancelThread").unstarted(() -> cancelAfter.ifPresentOrElse(
                delay -> cancelAfterDelay(team, runIdContainer, delay),
                () -> cancelAtFirstContent(team, runIdContainer, streamed)));

        // Start both threads
        out.println("🏃 Starting team run thread...");
        teamThread.start();
        out.println("🏃 Starting cancellation thread...");
        cancelThread.start();

        // Wait for both threads to complete
        out.println("⌛ Waiting for threads to complete...");
        teamThread.join();
        cancelThread.join();

        // Print the results
        out.println("\n" + "=".repeat(50));
        out.println("📊 RESULTS:");
        out.println("=".repeat(50));
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) runIdContainer.get("result");
        if (result != null) {
            out.println("Status: " + result.get("status"));
            out.println("Run ID: " + result.get("run_id"));
            out.println("Was Cancelled: " + result.get("cancelled"));
            if (result.containsKey("error")) {
                out.println("Error: " + result.get("error"));
            } else {
                out.println("Content Preview: " + result.get("content"));
            }
            String runId = (String) result.get("run_id");
            if (runId != null) {
                db.getRun(runId).ifPresent(r -> out.println("Status in the db: " + r.status()));
            }
            if (Boolean.TRUE.equals(result.get("cancelled"))) {
                out.println("\n✅ SUCCESS: Team run was successfully cancelled!");
            } else {
                out.println("\n⚠️ WARNING: Team run completed before cancellation");
            }
        } else {
            out.println("❌ No result obtained - check if cancellation happened during streaming");
        }
        out.println("\n🏁 Team cancellation example completed!");
        return result == null ? Map.of() : result;
    }

    private static Map<String, Object> result(String status, String runId, boolean cancelled, String content) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", status);
        m.put("run_id", runId);
        m.put("cancelled", cancelled);
        m.put("content", content);
        return m;
    }

    private static String preview(StringBuilder pieces) {
        if (pieces.isEmpty()) {
            return "No content before cancellation";
        }
        return pieces.substring(0, Math.min(200, pieces.length())) + "...";
    }

    public static void main(String[] args) throws Exception {
        ExampleArgs parsed = ExampleArgs.parse(args, "sqlite:cadre.db");
        try (ExampleModels models = ExampleModels.fromEnvironment(System.out); Db db = parsed.openDb()) {
            // Run the main example
            new CancelTeamRun(db, models, Duration.ofSeconds(8), System.out).run();
        }
    }
}
