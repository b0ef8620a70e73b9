package dev.cadre.cli.demo;

import dev.cadre.Agent;
import dev.cadre.Team;
import dev.cadre.cli.internal.Console;
import dev.cadre.event.RunCancelled;
import dev.cadre.event.RunContent;
import dev.cadre.event.RunEvent;
import dev.cadre.event.TeamRunCancelled;
import dev.cadre.event.TeamRunContent;
import dev.cadre.event.TeamToolCallStarted;
import dev.cadre.event.TerminalEvent;
import dev.cadre.examples.ExampleModels;
import dev.cadre.run.CancelResult;
import dev.cadre.run.RunStatus;
import dev.cadre.run.RunStream;
import dev.cadre.run.TeamRunOutput;
import dev.cadre.db.Db;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The two seed scenarios, shown to a person: a background team run polled to completion plus a
 * background run cancelled mid-way; and a streamed team run cancelled from another thread.
 *
 * <p>Each scenario checks that it behaved as the seed expects and says so in its report.
 */
public final class Demo {

    /**
     * @param model the model id to use, instead of each seed's own
     * @param pollEvery how often the background run is polled (the seed: every second)
     * @param essayCancelAfter how long the long background run goes before it is cancelled (the seed: 3 s)
     * @param storyCancelAfter how long the story streams before it is cancelled (the seed: 8 s)
     * @param cancelOnEvents cancel on events instead of after the delays: the essay once it is running
     *     (seen by polling), the story at its first content — for machines of any speed (tests, {@code --fast})
     */
    public record Settings(Optional<String> model, Duration pollEvery, Duration essayCancelAfter,
            Duration storyCancelAfter, boolean cancelOnEvents) {
        public static final Settings SEED = new Settings(Optional.empty(), Duration.ofMillis(500), Duration.ofSeconds(3),
                Duration.ofSeconds(5), false);

        public Settings withModel(Optional<String> id) {
            return new Settings(id, pollEvery, essayCancelAfter, storyCancelAfter, cancelOnEvents);
        }
    }

    /** A status the poller saw, and when. */
    public record Transition(RunStatus status, long atMillis) {
    }

    /** What scenario 1 did. */
    public record BackgroundReport(String runId, String sessionId, long acceptedMillis, List<Transition> polled,
            RunStatus finalStatus, String content, String cancelledRunId, String cancelOutcome,
            RunStatus cancelledRunFinalStatus, boolean asExpected) {
    }

    /** What scenario 2 did. */
    public record StreamReport(String runId, int contentEvents, String contentPreview, String cancelOutcome,
            List<String> cancelEvents, RunStatus storedStatus, boolean asExpected) {
    }

    private final Db db;
    private final ExampleModels models;
    private final Settings settings;
    private final Console console;

    public Demo(Db db, ExampleModels models, Settings settings, Console console) {
        this.db = db;
        this.models = models;
        this.settings = settings;
        this.console = console;
    }

    private String modelId(String seedDefault) {
        return settings.model().orElse(seedDefault);
    }

    // ---- scenario 1 ------------------------------------------------------------------------------

    public BackgroundReport backgroundRunWithPolling() throws InterruptedException {
        heading("1. Background run with polling");
        String model = modelId("gpt-5.2-mini");
        Team research = Team.builder().name("ResearchTeam").model(models.responses(model))
                .members(Agent.builder().name("Researcher").model(models.responses(model))
                                .role("Research topics and provide factual information.").build(),
                        Agent.builder().name("Writer").model(models.responses(model))
                                .role("Write clear and concise summaries.").build())
                .instructions("First, have the researcher gather key facts.",
                        "Then, have the writer create a concise summary.")
                .db(db).build();

        String question = "What are the three laws of thermodynamics? Summarize each in one sentence.";
        console.println(console.bold("ResearchTeam") + " in the background: " + console.dim("\"" + question + "\""));
        long t0 = System.nanoTime();
        TeamRunOutput pending = research.runInBackground(question);
        long accepted = millisSince(t0);
        console.println("  run " + pending.runId() + "  session " + pending.sessionId());
        console.println("  " + status(pending.status()) + console.dim("  returned after " + accepted + " ms, already in the db"));

        List<Transition> seen = new ArrayList<>();
        seen.add(new Transition(pending.status(), 0));
        AtomicReference<RunStatus> current = new AtomicReference<>(pending.status());
        TeamRunOutput last = pending;
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        try (var spinner = console.spinner(() -> "polling: " + current.get())) {
            while (!current.get().isTerminal() && System.nanoTime() < deadline) {
                Thread.sleep(settings.pollEvery());
                Optional<TeamRunOutput> polled = research.getRunOutputAsync(pending.runId(), pending.sessionId()).join();
                if (polled.isEmpty()) {
                    continue;
                }
                last = polled.get();
                if (last.status() != current.getAndSet(last.status())) {
                    seen.add(new Transition(last.status(), millisSince(t0)));
                }
            }
        }
        console.println("  polled: " + String.join(" → ", seen.stream()
                .map(t -> status(t.status()) + console.dim(" @" + Console.seconds(Duration.ofMillis(t.atMillis()))))
                .toList()));
        if (last.status() == RunStatus.COMPLETED) {
            console.println("  " + console.bold("Answer:"));
            last.content().lines().forEach(l -> console.println("    " + l));
        } else {
            console.println("  " + console.red("ended as " + last.status() + ": " + last.content()));
        }

        console.println("");
        String essay = "Write a detailed essay about the history of artificial intelligence. Make it at least 3000 words.";
        Team essayTeam = Team.builder().name("EssayTeam").model(models.responses(model))
                .members(Agent.builder().name("Researcher").model(models.responses(model))
                                .role("Research topics thoroughly.").build(),
                        Agent.builder().name("Writer").model(models.responses(model)).role("Write detailed essays.").build())
                .instructions("Have the researcher gather comprehensive information.",
                        "Then have the writer create a detailed essay.")
                .db(db).build();
        console.println(console.bold("EssayTeam") + " in the background: " + console.dim("\"" + essay + "\""));
        TeamRunOutput long_ = essayTeam.runInBackground(essay);
        console.println("  run " + long_.runId() + "  " + status(long_.status()));
        String when;
        try (var spinner = console.spinner(() -> "letting it work before cancelling")) {
            if (settings.cancelOnEvents()) {
                awaitRunning(essayTeam, long_);
                when = "once it ran";
            } else {
                Thread.sleep(settings.essayCancelAfter());
                when = "after " + Console.seconds(settings.essayCancelAfter());
            }
        }
        CancelResult cancel = essayTeam.cancelRun(long_.runId());
        console.println("  cancel " + when + ": " + console.yellow(cancel.outcome().name())
                + console.dim(" — " + cancel.message()));
        essayTeam.runManager().awaitRun(long_.runId(), Duration.ofSeconds(30));
        RunStatus finalStatus = essayTeam.getRunOutput(long_.runId(), long_.sessionId()).map(TeamRunOutput::status)
                .orElse(RunStatus.RUNNING);
        console.println("  final status, read back from the db: " + status(finalStatus));

        boolean ok = pending.status() == RunStatus.PENDING && last.status() == RunStatus.COMPLETED
                && finalStatus == RunStatus.CANCELLED;
        return new BackgroundReport(pending.runId(), pending.sessionId(), accepted, seen, last.status(),
                last.content(), long_.runId(), cancel.outcome().name(), finalStatus, ok);
    }

    /** Polls until the background run has started working (RUNNING), or has ended. */
    private void awaitRunning(Team team, TeamRunOutput run) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            RunStatus now = team.getRunOutput(run.runId(), run.sessionId()).map(TeamRunOutput::status)
                    .orElse(RunStatus.PENDING);
            if (now != RunStatus.PENDING) {
                return;
            }
            Thread.sleep(settings.pollEvery());
        }
    }

    // ---- scenario 2 ------------------------------------------------------------------------------

    public StreamReport cancelStreamedRunFromAnotherThread() throws InterruptedException {
        heading("2. Cancel a streamed team run from another thread");
        String model = modelId("gpt-5-mini");
        Team team = Team.builder().name("Storytelling Team")
                .description("A team that collaborates to write detailed stories")
                .model(models.chat(model))
                .members(Agent.builder().name("StorytellerAgent").model(models.chat(model))
                                .description("An agent that writes creative stories").build(),
                        Agent.builder().name("EditorAgent").model(models.chat(model))
                                .description("An agent that reviews and improves stories").build())
                .db(db).build();

        StringBuilder text = new StringBuilder();
        List<String> cancelEvents = new ArrayList<>();
        int contentEvents = 0;
        CompletableFuture<CancelResult> cancel = new CompletableFuture<>();
        CompletableFuture<Void> firstContent = new CompletableFuture<>();
        String runId;
        try (RunStream stream = team.stream("Write a very long story about a dragon who learns to code. "
                + "Make it at least 2000 words with detailed descriptions and dialogue.")) {
            runId = stream.runId();
            console.println(console.bold("Storytelling Team") + " streams a story; another thread cancels run "
                    + runId + (settings.cancelOnEvents() ? " at its first words"
                            : " after " + Console.seconds(settings.storyCancelAfter())) + ".\n");
            Thread.ofPlatform().name("CancelThread").start(() -> {
                try {
                    if (settings.cancelOnEvents()) {
                        firstContent.join();
                    } else {
                        Thread.sleep(settings.storyCancelAfter());
                    }
                    cancel.complete(team.cancelRun(runId));
                } catch (Throwable t) {
                    cancel.completeExceptionally(t);
                }
            });
            for (RunEvent e : stream) {
                switch (e) {
                    case TeamToolCallStarted t -> console.println(console.dim("[the leader delegates to "
                            + t.tool().toolArgs().path("member_id").asText() + "]"));
                    case RunContent c -> {
                        contentEvents++;
                        text.append(c.content());
                        console.print(c.content());
                        firstContent.complete(null);
                    }
                    case TeamRunContent c -> {
                        contentEvents++;
                        text.append(c.content());
                        console.print(c.content());
                        firstContent.complete(null);
                    }
                    case RunCancelled c -> {
                        cancelEvents.add("RunCancelled:" + c.agentName());
                        console.println("\n" + console.yellow("🚫 member run cancelled: " + c.agentName()
                                + " (" + c.runId() + ")"));
                    }
                    case TeamRunCancelled c -> {
                        cancelEvents.add("TeamRunCancelled:" + c.teamName());
                        console.println(console.yellow("🚫 team run cancelled: " + c.teamName() + " (" + c.runId()
                                + "), status " + c.status()));
                    }
                    case TerminalEvent t when t.runId().equals(runId) ->
                            console.println("\n" + console.red("the run ended as " + t.status() + " before the cancel"));
                    default -> { }
                }
            }
        }
        firstContent.complete(null); // the stream ended: a cancel still waiting goes ahead (and finds it ended)
        CancelResult result = cancel.join();
        console.println(console.dim("[CancelThread: cancelRun → " + result.outcome() + "]"));
        RunStatus stored = db.getRun(runId).map(r -> r.status()).orElse(RunStatus.RUNNING);
        String preview = text.isEmpty() ? "No content before cancellation"
                : text.substring(0, Math.min(200, text.length())) + "...";
        console.println("\n" + console.bold("RESULTS"));
        console.println("  Status:          " + status(stored) + console.dim(" (read back from the db)"));
        console.println("  Run ID:          " + runId);
        console.println("  Was Cancelled:   " + (stored == RunStatus.CANCELLED));
        console.println("  Content Preview: " + preview.replace('\n', ' '));
        boolean ok = stored == RunStatus.CANCELLED && cancelEvents.size() == 2
                && cancelEvents.get(0).startsWith("RunCancelled:") && cancelEvents.get(1).startsWith("TeamRunCancelled:")
                && contentEvents > 0;
        return new StreamReport(runId, contentEvents, preview, result.outcome().name(), cancelEvents, stored, ok);
    }

    private void heading(String title) {
        console.println("");
        console.println(console.bold("━━ " + title + " " + "━".repeat(Math.max(3, 60 - title.length()))));
    }

    private String status(RunStatus s) {
        return switch (s) {
            case COMPLETED -> console.green(s.name());
            case ERROR -> console.red(s.name());
            case CANCELLED -> console.yellow(s.name());
            default -> console.cyan(s.name());
        };
    }

    private static long millisSince(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
