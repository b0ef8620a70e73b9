package dev.cadre;

import static dev.cadre.Scripts.delegate;
import static dev.cadre.Scripts.words;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.db.ForwardingDb;
import dev.cadre.db.InMemoryDb;
import dev.cadre.event.RunEvent;
import dev.cadre.event.TerminalEvent;
import dev.cadre.run.RunInfo;
import dev.cadre.run.RunListener;
import dev.cadre.run.RunRequest;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.run.RunStream;
import dev.cadre.run.TeamRunOutput;
import dev.cadre.testkit.ScriptedModel;
import dev.cadre.testkit.ScriptedModel.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Hundreds of nested team runs cancelled at random moments — while members stream, as a member completes, before
 * the team starts — with the members' ends written together with their team's. Whatever the timing: no team run's
 * end is ever written while one of its members is not ended in the store (unless written before it in the same
 * call); every run's {@code runEnded} comes exactly once, with what the store holds; a streamed team run's own
 * terminal event comes last, after its members'; and nothing is left behind.
 */
class JointFinalWriteStressTest {

    private static final int RUNS = 300;

    /** Checks, as each end is written, that the members of a team run are ended first. */
    static final class CheckingDb extends ForwardingDb {
        final List<String> violations = new CopyOnWriteArrayList<>();
        final AtomicInteger together = new AtomicInteger();

        CheckingDb() {
            super(new InMemoryDb());
        }

        @Override
        public List<Boolean> finishRuns(List<RunResult> runs, String ownerInstanceId) {
            together.incrementAndGet();
            Set<String> before = new HashSet<>();
            List<Boolean> accepted = new ArrayList<>();
            for (RunResult run : runs) {
                check(run, before);
                accepted.add(delegate().finishRun(run, ownerInstanceId));
                before.add(run.runId());
            }
            return accepted;
        }

        @Override
        public boolean finishRun(RunResult run, String ownerInstanceId) {
            check(run, Set.of());
            return super.finishRun(run, ownerInstanceId);
        }

        private void check(RunResult run, Set<String> writtenJustBefore) {
            if (run instanceof TeamRunOutput team) {
                for (RunResult member : team.memberResponses()) {
                    boolean ended = writtenJustBefore.contains(member.runId()) || delegate().getRun(member.runId())
                            .map(r -> r.status().isTerminal()).orElse(true);
                    if (!ended) {
                        violations.add("team run " + run.runId() + " written as " + run.status() + " before member "
                                + member.runId());
                    }
                }
            }
        }
    }

    @Test
    void membersAreAlwaysStoredWithOrBeforeTheirTeamAndEveryEndIsHeardOnceAsStored() throws Exception {
        CheckingDb db = new CheckingDb();
        Map<String, List<RunStatus>> heard = new ConcurrentHashMap<>();
        Map<String, RunStatus> storedWhenHeard = new ConcurrentHashMap<>();
        RunListener ends = new RunListener() {
            @Override
            public void runEnded(RunInfo run, RunResult end) {
                heard.computeIfAbsent(run.runId(), k -> new CopyOnWriteArrayList<>()).add(end.status());
                db.getRun(run.runId()).ifPresent(r -> storedWhenHeard.put(run.runId(), r.status()));
            }
        };
        RunManager runs = RunManager.builder().listener(ends).build();
        Agent writer = Agent.builder().name("Writer")
                .model(ScriptedModel.replying(req -> Reply.text(words(6)).pacedAt(Duration.ofMillis(1)))).build();
        Team inner = Team.builder().name("Inner").model(ScriptedModel.replying(req -> ScriptedModel.isAfterToolResult(
                req) ? Reply.text("inner done") : delegate("writer", "write"))).members(writer).build();
        Team outer = Team.builder().name("Outer").model(ScriptedModel.replying(req -> ScriptedModel.isAfterToolResult(
                req) ? Reply.text(words(3)).pacedAt(Duration.ofMillis(1)) : delegate("inner", "ask")))
                .members(inner).db(db).runManager(runs).build();

        List<CompletableFuture<List<RunEvent>>> streams = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        try (ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(4);
                java.util.concurrent.ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < RUNS; i++) {
                String runId = UUID.randomUUID().toString();
                ids.add(runId);
                if (ThreadLocalRandom.current().nextInt(5) != 0) {
                    scheduler.schedule(() -> outer.cancelRun(runId), ThreadLocalRandom.current().nextInt(30),
                            TimeUnit.MILLISECONDS);
                }
                if (i % 2 == 0) {
                    streams.add(CompletableFuture.supplyAsync(() -> {
                        try (RunStream s = outer.stream(RunRequest.builder("go").runId(runId).build())) {
                            List<RunEvent> events = new ArrayList<>();
                            s.forEach(events::add);
                            return events;
                        }
                    }, readers));
                } else {
                    streams.add(outer.runAsync(RunRequest.builder("go").runId(runId).build()).thenApply(r -> null));
                }
            }
            CompletableFuture.allOf(streams.toArray(CompletableFuture[]::new)).get(90, TimeUnit.SECONDS);
        }

        assertThat(db.violations).isEmpty();
        assertThat(db.together.get()).as("ends written together").isPositive();
        int cancelled = 0;
        for (int i = 0; i < ids.size(); i++) {
            TeamRunOutput stored = (TeamRunOutput) db.getRun(ids.get(i)).orElseThrow();
            cancelled += stored.status() == RunStatus.CANCELLED ? 1 : 0;
            List<RunResult> all = new ArrayList<>(List.of(stored));
            for (RunResult m : stored.memberResponses()) {
                all.add(m);
                all.addAll(((TeamRunOutput) m).memberResponses());
            }
            for (RunResult r : all) {
                assertThat(r.status().isTerminal()).as("run %s", r.runId()).isTrue();
                assertThat(heard.get(r.runId())).as("runEnded of %s", r.runId()).containsExactly(r.status());
                assertThat(storedWhenHeard.get(r.runId())).as("stored when %s was heard", r.runId())
                        .isEqualTo(r.status());
            }
            List<RunEvent> events = streams.get(i).join();
            if (events != null) {
                String own = ids.get(i);
                List<RunEvent> terminals = events.stream().filter(e -> e instanceof TerminalEvent).toList();
                assertThat(terminals.getLast().runId()).isEqualTo(own);
                assertThat(terminals.stream().filter(e -> e.runId().equals(own))).hasSize(1);
            }
        }
        assertThat(cancelled).as("some runs were cancelled").isPositive();
        assertThat(runs.activeRunIds()).isEmpty();
        assertThat(runs.awaitNoLiveThreads(Duration.ofSeconds(10))).as("engine threads left: %s", runs.liveThreads())
                .isTrue();
        runs.shutdown(Duration.ZERO);
    }
}
