package dev.cadre;

import static dev.cadre.Scripts.delegate;
import static dev.cadre.Scripts.words;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.event.RunEvent;
import dev.cadre.event.TerminalEvent;
import dev.cadre.testkit.ScriptedModel;
import dev.cadre.testkit.ScriptedModel.Reply;
import dev.cadre.run.CancelResult;
import dev.cadre.run.RunRequest;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.run.RunStream;
import dev.cadre.run.TeamRunOutput;
import dev.cadre.db.InMemoryDb;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Hundreds of team runs of every kind at once, cancelled at random moments (some before they start,
 * some after they end). Every run must end in exactly one terminal status, the store must agree with
 * what the caller was told, a cancel reported as CANCELLED must really end the run CANCELLED, and
 * nothing may be left behind: no active run, no thread, no cancel intent.
 */
class CancelStressTest {

    private static final int RUNS = 400;

    enum Kind { STREAM, BLOCKING, BACKGROUND }

    record Outcome(String runId, Kind kind, RunResult result, List<RunEvent> events) {
    }

    @Test
    void everyRunEndsInExactlyOneTerminalStatusWhateverTheCancelTiming() throws Exception {
        InMemoryDb db = new InMemoryDb();
        RunManager runs = RunManager.builder().build();
        ScriptedModel leader = ScriptedModel.replying(req -> ScriptedModel.isAfterToolResult(req)
                ? Reply.text(words(5)).pacedAt(Duration.ofMillis(1))
                : delegate("writer", "write"));
        Agent writer = Agent.builder().name("Writer")
                .model(ScriptedModel.replying(req -> Reply.text(words(8)).pacedAt(Duration.ofMillis(1)))).build();
        Team team = Team.builder().name("Stress").model(leader).members(writer).db(db).runManager(runs).build();
        // A neighbour: another manager with its own db and runs. Cancels through either never reach the other's runs.
        RunManager neighbourRuns = RunManager.builder().build();
        Team neighbour = Team.builder().name("Neighbour").model(leader).members(writer).db(new InMemoryDb())
                .runManager(neighbourRuns).build();

        Map<String, CancelResult> cancels = new ConcurrentHashMap<>();
        Map<String, CancelResult> strays = new ConcurrentHashMap<>(); // our run ids, cancelled through the neighbour
        Map<String, CancelResult> crossed = new ConcurrentHashMap<>(); // the neighbour's, cancelled through us
        List<CompletableFuture<TeamRunOutput>> neighbours = new ArrayList<>();
        List<CompletableFuture<Outcome>> outcomes = new ArrayList<>();
        try (ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(4)) {
            for (int i = 0; i < RUNS; i++) {
                String runId = UUID.randomUUID().toString();
                Kind kind = Kind.values()[i % Kind.values().length];
                ThreadLocalRandom random = ThreadLocalRandom.current();
                if (random.nextInt(4) != 0) { // three in four runs get a cancel, at 0-40 ms
                    scheduler.schedule(() -> cancels.put(runId, team.cancelRun(runId)), random.nextInt(40),
                            TimeUnit.MILLISECONDS);
                }
                if (random.nextInt(4) == 0) {
                    scheduler.schedule(() -> strays.put(runId, neighbour.cancelRun(runId)), random.nextInt(40),
                            TimeUnit.MILLISECONDS);
                }
                outcomes.add(start(team, runs, kind, runId));
                if (i % 10 == 0) {
                    String theirs = UUID.randomUUID().toString();
                    neighbours.add(neighbour.runAsync(dev.cadre.run.RunRequest.builder("go").runId(theirs).build()));
                    scheduler.schedule(() -> crossed.put(theirs, team.cancelRun(theirs)), random.nextInt(40),
                            TimeUnit.MILLISECONDS);
                }
            }
            CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            CompletableFuture.allOf(neighbours.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            scheduler.shutdown();
            assertThat(scheduler.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }

        int cancelled = 0;
        for (CompletableFuture<Outcome> f : outcomes) {
            Outcome o = f.join();
            RunStatus status = o.result().status();
            assertThat(status.isTerminal()).as("run %s (%s)", o.runId(), o.kind()).isTrue();
            RunResult stored = db.getRun(o.runId()).orElseThrow();
            assertThat(stored.status()).as("stored status of %s", o.runId()).isEqualTo(status);
            for (RunResult member : ((TeamRunOutput) stored).memberResponses()) {
                assertThat(member.status().isTerminal()).as("member of %s", o.runId()).isTrue();
            }
            if (o.events() != null) {
                List<RunEvent> own = o.events().stream()
                        .filter(e -> e instanceof TerminalEvent && e.runId().equals(o.runId())).toList();
                assertThat(own).as("terminal events of %s", o.runId()).hasSize(1);
                assertThat(((TerminalEvent) own.getFirst()).status()).isEqualTo(status);
                assertThat(o.events().getLast()).isSameAs(own.getFirst());
            }
            CancelResult c = cancels.get(o.runId());
            if (c != null && c.outcome() == CancelResult.Outcome.CANCELLED) {
                assertThat(status).as("run %s was reported cancelled", o.runId()).isEqualTo(RunStatus.CANCELLED);
            }
            if (c != null && c.outcome() == CancelResult.Outcome.ALREADY_FINISHED) {
                assertThat(c.status()).contains(status);
            }
            if (status == RunStatus.CANCELLED) {
                cancelled++;
                assertThat(c).as("run %s was cancelled only by its own manager", o.runId()).isNotNull();
            }
        }
        assertThat(strays.values()).as("cancels through the neighbour").isNotEmpty()
                .allSatisfy(r -> assertThat(r.outcome()).isEqualTo(CancelResult.Outcome.NOT_FOUND));
        assertThat(crossed.values()).as("cancels of the neighbour's runs through us").isNotEmpty()
                .allSatisfy(r -> assertThat(r.outcome()).isEqualTo(CancelResult.Outcome.NOT_FOUND));
        assertThat(neighbours).allSatisfy(f -> assertThat(f.join().status()).isEqualTo(RunStatus.COMPLETED));
        assertThat(neighbourRuns.activeRunIds()).isEmpty();
        assertThat(cancelled).as("some runs were cancelled").isPositive();
        assertThat(runs.activeRunIds()).isEmpty();
        assertThat(runs.awaitNoLiveThreads(Duration.ofSeconds(10))).as("engine threads left: %s", runs.liveThreads())
                .isTrue();
        // Cancels that found nothing are remembered for a while, by design; they must all have been used
        // or be for runs that had already ended, never for runs that started after them and ignored them —
        // except those for the other manager's runs, which never start here.
        assertThat(runs.pendingCancelCount()).isEqualTo(crossed.size());
        assertThat(neighbourRuns.pendingCancelCount()).isEqualTo(strays.size());
        neighbourRuns.shutdown(Duration.ZERO);
    }

    private static CompletableFuture<Outcome> start(Team team, RunManager runs, Kind kind, String runId) {
        CompletableFuture<Outcome> out = new CompletableFuture<>();
        RunRequest request = RunRequest.builder("go").runId(runId).build();
        Thread.ofVirtual().start(() -> {
            try {
                switch (kind) {
                    case STREAM -> {
                        List<RunEvent> events = new ArrayList<>();
                        try (RunStream stream = team.stream(request)) {
                            stream.forEach(events::add);
                            out.complete(new Outcome(runId, kind, stream.result(), events));
                        }
                    }
                    case BLOCKING -> out.complete(new Outcome(runId, kind, team.run(request), null));
                    case BACKGROUND -> {
                        TeamRunOutput pending = team.runInBackground(request);
                        runs.awaitRun(runId, Duration.ofSeconds(30));
                        out.complete(new Outcome(runId, kind,
                                team.getRunOutput(runId, pending.sessionId()).orElseThrow(), null));
                    }
                }
            } catch (Throwable t) {
                out.completeExceptionally(t);
            }
        });
        return out;
    }
}
