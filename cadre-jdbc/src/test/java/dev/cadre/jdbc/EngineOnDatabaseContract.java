package dev.cadre.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.Agent;
import dev.cadre.RunManager;
import dev.cadre.Team;
import dev.cadre.TeamMode;
import dev.cadre.event.RunEvent;
import dev.cadre.event.TeamRunCancelled;
import dev.cadre.event.TeamRunContent;
import dev.cadre.event.TerminalEvent;
import dev.cadre.testkit.ScriptedModel;
import dev.cadre.testkit.ScriptedModel.Reply;
import dev.cadre.run.CancelResult;
import dev.cadre.run.RunRequest;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.run.RunStream;
import dev.cadre.run.TeamRunOutput;
import dev.cadre.db.SessionRecord;
import dev.cadre.db.SessionType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Teams running through the engine with a database store: what a user of {@code team.db(...)}
 * relies on. Subclasses supply the database.
 */
abstract class EngineOnDatabaseContract {

    private static final Duration WAIT = Duration.ofSeconds(60);

    protected JdbcDb db;
    private RunManager runs;

    /** A store on a fresh database for this test; {@code instanceId} names the process. */
    protected abstract JdbcDb openDb(String instanceId, Duration staleAfter, java.time.Clock clock);

    /** Another store on the same database, as another process would open it. */
    protected JdbcDb reopen() {
        return openDb("another-process", Duration.ofSeconds(30), java.time.Clock.systemUTC());
    }

    @BeforeEach
    void open() {
        db = openDb(dev.cadre.db.ProcessInstance.id(), Duration.ofSeconds(30), java.time.Clock.systemUTC());
        runs = RunManager.builder().build();
    }

    @AfterEach
    void close() {
        if (runs != null) {
            runs.close();
        }
        if (db != null) { // null when the database was not available and the test was skipped
            db.close();
        }
    }

    /**
     * A broadcast team whose two members answer at once. The leader delegates to both, then answers
     * "answer to <question>"; for a question containing "stall" it waits until it is cancelled.
     */
    private Team team() {
        ScriptedModel leader = ScriptedModel.replying(request -> {
            String question = ScriptedModel.lastUserMessage(request);
            if (question.contains("stall")) {
                return Reply.text("partial ").thenBlock();
            }
            return ScriptedModel.isAfterToolResult(request) ? Reply.text("answer to ", question)
                    : Reply.toolCall("delegate_task_to_members", "{\"task\":\"help with it\"}");
        });
        Agent researcher = Agent.builder().name("Researcher").model(ScriptedModel.replying(r -> Reply.text("facts")))
                .build();
        Agent writer = Agent.builder().name("Writer").model(ScriptedModel.replying(r -> Reply.text("prose")))
                .build();
        return Team.builder().name("Research Team").model(leader).members(researcher, writer)
                .mode(TeamMode.BROADCAST).db(db).runManager(runs).build();
    }

    private static RunRequest request(String question, String sessionId, String runId) {
        return RunRequest.builder(question).sessionId(sessionId).runId(runId).build();
    }

    private RunResult awaitEnd(Team team, String runId, String sessionId) throws InterruptedException {
        assertThat(runs.awaitRun(runId, WAIT)).as("run %s ends", runId).isTrue();
        return team.getRunOutput(runId, sessionId).orElseThrow();
    }

    @Test
    void fifty_concurrent_team_runs_on_one_session_are_all_stored_with_their_members() throws Exception {
        Team team = team();
        String session = "one-session";
        int total = 50;
        Map<String, RunStatus> expected = new HashMap<>();
        List<Future<TeamRunOutput>> foreground = new ArrayList<>();
        List<String> background = new ArrayList<>();
        List<String> toCancel = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);

        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < total; i++) {
                String runId = "run-" + i;
                if (i % 2 == 0) {
                    boolean cancel = i % 10 == 4;
                    String question = "question " + i + (cancel ? " stall" : "");
                    TeamRunOutput pending = team.runInBackground(request(question, session, runId));
                    assertThat(pending.status()).isEqualTo(RunStatus.PENDING);
                    background.add(runId);
                    if (cancel) {
                        toCancel.add(runId);
                    }
                    expected.put(runId, cancel ? RunStatus.CANCELLED : RunStatus.COMPLETED);
                } else {
                    String question = "question " + i;
                    foreground.add(threads.submit(() -> {
                        go.await();
                        return team.run(request(question, session, runId));
                    }));
                    expected.put(runId, RunStatus.COMPLETED);
                }
            }
            go.countDown();
            for (String runId : toCancel) {
                assertThat(team.cancelRun(runId).accepted()).as("cancel of %s", runId).isTrue();
            }
            for (Future<TeamRunOutput> f : foreground) {
                assertThat(f.get(WAIT.toSeconds(), TimeUnit.SECONDS).status()).isEqualTo(RunStatus.COMPLETED);
            }
            for (String runId : background) {
                awaitEnd(team, runId, session);
            }
        }

        List<RunResult> stored;
        try (JdbcDb other = reopen()) {
            stored = other.listRuns(session);
        }
        assertThat(stored).hasSize(total);
        assertThat(stored).allSatisfy(run -> {
            assertThat(run).isInstanceOf(TeamRunOutput.class);
            TeamRunOutput teamRun = (TeamRunOutput) run;
            assertThat(teamRun.status()).as("status of %s", run.runId()).isEqualTo(expected.get(run.runId()));
            if (teamRun.status() == RunStatus.COMPLETED) {
                assertThat(teamRun.content()).startsWith("answer to question ");
                assertThat(teamRun.memberResponses()).extracting(RunResult::componentName, RunResult::status)
                        .containsExactlyInAnyOrder(
                                org.assertj.core.groups.Tuple.tuple("Researcher", RunStatus.COMPLETED),
                                org.assertj.core.groups.Tuple.tuple("Writer", RunStatus.COMPLETED));
                assertThat(teamRun.memberResponses()).allSatisfy(m ->
                        assertThat(m.parentRunId()).contains(run.runId()));
            }
        });
    }

    @Test
    void background_run_is_pending_then_polled_to_completed_and_a_cancelled_one_reads_back_cancelled()
            throws Exception {
        Team team = team();

        TeamRunOutput pending = team.runInBackground(request("What is Cadre?", "bg-session", "bg-1"));
        assertThat(pending.status()).isEqualTo(RunStatus.PENDING);
        RunResult done = awaitEnd(team, "bg-1", "bg-session");
        assertThat(done.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(done.content()).isEqualTo("answer to What is Cadre?");
        assertThat(team.cancelRun("bg-1").outcome()).isEqualTo(CancelResult.Outcome.ALREADY_FINISHED);

        team.runInBackground(request("Tell me slowly, stall", "bg-session", "bg-2"));
        assertThat(team.cancelRun("bg-2").accepted()).isTrue();
        awaitEnd(team, "bg-2", "bg-session");

        try (JdbcDb other = reopen()) {
            assertThat(other.getRun("bg-1").map(RunResult::status)).contains(RunStatus.COMPLETED);
            assertThat(other.getRun("bg-2").map(RunResult::status)).contains(RunStatus.CANCELLED);
        }
    }

    @Test
    void a_stream_cancelled_from_another_thread_ends_cancelled_in_the_database() throws Exception {
        Team team = team();
        CountDownLatch firstContent = new CountDownLatch(1);
        List<RunEvent> events = new ArrayList<>();
        CompletableFuture<CancelResult> cancel;
        CompletableFuture<RunStatus> seenWhileStreaming = new CompletableFuture<>();

        try (RunStream stream = team.stream(request("Write a long story, stall", "stream-session", "stream-1"))) {
            cancel = CompletableFuture.supplyAsync(() -> {
                try {
                    firstContent.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                seenWhileStreaming.complete(db.getRun(stream.runId()).map(RunResult::status).orElse(null));
                return team.cancelRun(stream.runId());
            });
            for (RunEvent e : stream) {
                events.add(e);
                if (e instanceof TeamRunContent) {
                    firstContent.countDown();
                }
            }
        }

        assertThat(cancel.get(WAIT.toSeconds(), TimeUnit.SECONDS).outcome()).isEqualTo(CancelResult.Outcome.CANCELLED);
        assertThat(seenWhileStreaming.get()).as("a foreground run is in the database while it runs")
                .isEqualTo(RunStatus.RUNNING);
        assertThat(events.getLast()).isInstanceOf(TeamRunCancelled.class);
        assertThat(((TerminalEvent) events.getLast()).status()).isEqualTo(RunStatus.CANCELLED);
        RunResult stored = db.getRun("stream-1").orElseThrow();
        assertThat(stored.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(stored.content()).contains("partial");
    }

    @Test
    void cancel_and_completion_at_the_same_instant_end_the_run_once_as_the_database_says() throws Exception {
        for (int i = 0; i < 30; i++) {
            CompletableFuture<Void> answerReady = new CompletableFuture<>();
            CompletableFuture<Void> modelCalled = new CompletableFuture<>();
            ScriptedModel leader = ScriptedModel.replying(request -> {
                modelCalled.complete(null);
                return Reply.text("the ").thenAwait(answerReady).thenText("answer");
            });
            Team team = Team.builder().name("Racing Team").model(leader)
                    .members(Agent.builder().name("Idle").model(ScriptedModel.of()).build())
                    .db(db).runManager(runs).build();
            String runId = "race-" + i;

            CompletableFuture<TeamRunOutput> result = team.runAsync(request("go", "race-session", runId));
            modelCalled.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            CyclicBarrier together = new CyclicBarrier(2);
            CancelResult cancelResult;
            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                Future<?> complete = threads.submit(() -> {
                    together.await(10, TimeUnit.SECONDS);
                    answerReady.complete(null);
                    return null;
                });
                Future<CancelResult> cancel = threads.submit(() -> {
                    together.await(10, TimeUnit.SECONDS);
                    return team.cancelRun(runId);
                });
                complete.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                cancelResult = cancel.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
            TeamRunOutput returned = result.get(WAIT.toSeconds(), TimeUnit.SECONDS);

            RunResult stored = db.getRun(runId).orElseThrow();
            assertThat(stored.status()).as("race %d", i).isIn(RunStatus.COMPLETED, RunStatus.CANCELLED);
            assertThat(returned.status()).as("race %d: returned = stored", i).isEqualTo(stored.status());
            assertThat(returned.events().getLast()).isInstanceOf(TerminalEvent.class);
            assertThat(((TerminalEvent) returned.events().getLast()).status()).isEqualTo(stored.status());
            if (stored.status() == RunStatus.COMPLETED) {
                assertThat(stored.content()).isEqualTo("the answer");
            } else {
                assertThat(cancelResult.accepted()).as("race %d: a cancelled run had its cancel accepted", i).isTrue();
            }
        }
    }

    @Test
    void cancelling_a_run_whose_process_stopped_says_so() {
        Instant later = Instant.now().plus(Duration.ofMinutes(5));
        try (JdbcDb crashed = openDb("crashed-process", Duration.ofSeconds(30), java.time.Clock.systemUTC())) {
            crashed.saveSession(new SessionRecord("s1", SessionType.TEAM, "research-team", Optional.empty(),
                    Optional.empty(), Instant.now(), Instant.now()));
            crashed.insertRun(Runs.teamRun("stranded", "s1", RunStatus.RUNNING), "crashed-process");
        }
        // A process starting five minutes later: the crashed process's heartbeat is stale by then.
        try (JdbcDb restarted = openDb("restarted", Duration.ofSeconds(30),
                java.time.Clock.fixed(later, java.time.ZoneOffset.UTC))) {
            Team team = Team.builder().id("research-team").name("Research Team")
                    .model(ScriptedModel.of()).members(Agent.builder().name("A").model(ScriptedModel.of()).build())
                    .db(restarted).runManager(runs).build();

            CancelResult result = team.cancelRun("stranded");

            assertThat(result.outcome()).isEqualTo(CancelResult.Outcome.ALREADY_FINISHED);
            assertThat(result.status()).contains(RunStatus.ERROR);
            assertThat(result.message()).contains("the process running this run stopped");
        }
    }

    @Test
    void a_users_memories_written_after_one_run_are_in_the_next_runs_prompt_from_another_process() {
        ScriptedModel model = ScriptedModel.replying(r -> ScriptedModel.offersTool(r, "add_memory")
                ? (ScriptedModel.isAfterToolResult(r) ? Reply.text("done")
                        : Reply.toolCall("add_memory", "{\"memory\":\"User's name is Ada\",\"topics\":[\"name\"]}"))
                : Reply.text("Hello"));
        Agent agent = Agent.builder().name("Helper").model(model).db(db).runManager(runs).enableUserMemories(true)
                .build();

        assertThat(agent.run(RunRequest.builder("My name is Ada").userId("ada").build()).status())
                .isEqualTo(RunStatus.COMPLETED);
        try (JdbcDb other = reopen()) {
            assertThat(other.memories().orElseThrow().ofUser("ada")).singleElement()
                    .satisfies(m -> assertThat(m.topics()).containsExactly("name"));
            Agent elsewhere = Agent.builder().name("Helper").model(model).db(other).runManager(runs)
                    .addMemoriesToContext(true).build();
            elsewhere.run(RunRequest.builder("Who am I?").userId("ada").build());
        }
        assertThat(model.requests().getLast().messages().getFirst().content())
                .contains("<memories_from_previous_interactions>\n- User's name is Ada\n");
    }
}
