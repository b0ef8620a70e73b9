package dev.cadre.jdbc;

import static dev.cadre.jdbc.Runs.T0;
import static dev.cadre.jdbc.Runs.agentRun;
import static dev.cadre.jdbc.Runs.finished;
import static dev.cadre.jdbc.Runs.memberTeamRun;
import static dev.cadre.jdbc.Runs.newId;
import static dev.cadre.jdbc.Runs.teamRun;
import static dev.cadre.jdbc.Runs.teamSession;
import static dev.cadre.jdbc.Runs.withContent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.run.RunFailure;
import dev.cadre.run.RunOutput;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.run.TeamRunOutput;
import dev.cadre.store.Page;
import dev.cadre.store.SessionQuery;
import dev.cadre.store.SessionRecord;
import dev.cadre.store.SessionType;
import dev.cadre.store.Store;
import dev.cadre.store.StoreException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Store} promises. Each store (in memory, SQLite, PostgreSQL) runs this same suite
 * through a subclass, so they cannot drift apart.
 */
abstract class StoreContract {

    protected static final String ORPHAN_REASON = "the process running this run stopped";

    protected MutableClock clock;
    protected Store store;

    /** A new, empty store on {@code clock}, with no periodic background work. */
    protected abstract Store newStore(MutableClock clock);

    /** How many cancel-vs-complete races to run; databases on disk are slower than memory. */
    protected int raceIterations() {
        return 200;
    }

    @BeforeEach
    void openStore() {
        clock = new MutableClock(T0);
        store = newStore(clock);
    }

    @AfterEach
    void closeStore() throws Exception {
        if (store != null) { // null when the database was not available and the test was skipped
            store.close();
        }
    }

    private String savedSession() {
        String sessionId = newId("session");
        store.saveSession(teamSession(sessionId, clock.instant()));
        return sessionId;
    }

    @Nested
    class Sessions {

        @Test
        void a_saved_session_reads_back_unchanged() {
            SessionRecord s = teamSession("s1", T0).withName("Research");

            store.saveSession(s);

            assertThat(store.getSession("s1")).contains(s);
        }

        @Test
        void an_unknown_session_is_empty() {
            assertThat(store.getSession("nope")).isEmpty();
        }

        @Test
        void saving_again_moves_updated_at_forward_and_keeps_type_component_and_name() {
            store.saveSession(new SessionRecord("s1", SessionType.TEAM, "team-a", Optional.empty(),
                    Optional.of("first"), T0, T0));

            store.saveSession(new SessionRecord("s1", SessionType.AGENT, "agent-b", Optional.of("u9"),
                    Optional.of("second"), T0.plusSeconds(5), T0.plusSeconds(10)));
            store.saveSession(new SessionRecord("s1", SessionType.AGENT, "agent-b", Optional.of("u7"),
                    Optional.empty(), T0, T0.plusSeconds(3)));

            assertThat(store.getSession("s1")).contains(new SessionRecord("s1", SessionType.TEAM, "team-a",
                    Optional.of("u9"), Optional.of("first"), T0, T0.plusSeconds(10)));
        }

        @Test
        void sessions_list_newest_first_in_pages_with_the_total() {
            for (int i = 0; i < 5; i++) {
                store.saveSession(teamSession("s" + i, T0.plusSeconds(i)));
            }

            Page<SessionRecord> first = store.listSessions(SessionQuery.all().withPage(1, 2));
            Page<SessionRecord> last = store.listSessions(SessionQuery.all().withPage(3, 2));
            Page<SessionRecord> past = store.listSessions(SessionQuery.all().withPage(4, 2));

            assertThat(first.items()).extracting(SessionRecord::sessionId).containsExactly("s4", "s3");
            assertThat(first.total()).isEqualTo(5);
            assertThat(first.totalPages()).isEqualTo(3);
            assertThat(last.items()).extracting(SessionRecord::sessionId).containsExactly("s0");
            assertThat(past.items()).isEmpty();
            assertThat(past.total()).isEqualTo(5);
        }

        @Test
        void sessions_created_at_the_same_time_list_by_id() {
            store.saveSession(teamSession("b", T0));
            store.saveSession(teamSession("a", T0));

            assertThat(store.listSessions(SessionQuery.all()).items()).extracting(SessionRecord::sessionId)
                    .containsExactly("a", "b");
        }

        @Test
        void sessions_filter_by_type_component_and_user() {
            store.saveSession(Runs.session("t1", SessionType.TEAM, "team-a", Optional.of("u1"), T0));
            store.saveSession(Runs.session("t2", SessionType.TEAM, "team-b", Optional.of("u2"), T0.plusSeconds(1)));
            store.saveSession(Runs.session("a1", SessionType.AGENT, "agent-a", Optional.empty(), T0.plusSeconds(2)));

            assertThat(ids(SessionQuery.all().withType(SessionType.TEAM))).containsExactly("t2", "t1");
            assertThat(ids(SessionQuery.all().withType(SessionType.AGENT))).containsExactly("a1");
            assertThat(ids(SessionQuery.all().withComponentId("team-a"))).containsExactly("t1");
            assertThat(ids(SessionQuery.all().withUserId("u2"))).containsExactly("t2");
            assertThat(ids(SessionQuery.all().withType(SessionType.TEAM).withUserId("u1"))).containsExactly("t1");
            assertThat(store.listSessions(SessionQuery.all().withUserId("u3")).total()).isZero();
        }

        private List<String> ids(SessionQuery q) {
            return store.listSessions(q).items().stream().map(SessionRecord::sessionId).toList();
        }

        @Test
        void rename_sets_the_name_and_says_whether_the_session_exists() {
            store.saveSession(teamSession("s1", T0));

            assertThat(store.renameSession("s1", "Renamed")).isTrue();
            assertThat(store.renameSession("nope", "x")).isFalse();
            assertThat(store.getSession("s1").flatMap(SessionRecord::name)).contains("Renamed");
        }

        @Test
        void delete_removes_the_session_with_all_its_runs() {
            String sessionId = savedSession();
            String other = savedSession();
            store.insertRun(teamRun("t1", sessionId, RunStatus.RUNNING), "owner");
            store.insertRun(agentRun("m1", Optional.of("t1"), sessionId, RunStatus.RUNNING), "owner");
            store.insertRun(teamRun("t2", other, RunStatus.RUNNING), "owner");

            assertThat(store.deleteSession(sessionId)).isTrue();
            assertThat(store.deleteSession(sessionId)).isFalse();

            assertThat(store.getSession(sessionId)).isEmpty();
            assertThat(store.getRun("t1")).isEmpty();
            assertThat(store.getRun("m1")).isEmpty();
            assertThat(store.listRuns(sessionId)).isEmpty();
            assertThat(store.getRun("t2")).isPresent();
        }
    }

    @Nested
    class Writing_runs {

        @Test
        void an_inserted_run_reads_back_with_all_its_data() {
            String sessionId = savedSession();
            RunOutput run = Runs.richAgentRun("r1", sessionId);

            store.insertRun(run, "owner");

            assertThat(store.getRun("r1")).contains(run);
        }

        @Test
        void an_error_run_keeps_its_failure() {
            String sessionId = savedSession();
            store.insertRun(agentRun("r1", Optional.empty(), sessionId, RunStatus.RUNNING), "owner");
            RunResult failed = finished(agentRun("r1", Optional.empty(), sessionId, RunStatus.RUNNING),
                    RunStatus.ERROR, "boom");

            assertThat(store.finishRun(failed)).isTrue();

            RunResult back = store.getRun("r1").orElseThrow();
            assertThat(back.status()).isEqualTo(RunStatus.ERROR);
            assertThat(back.error()).contains(new RunFailure("model_error", "the model failed"));
            assertThat(back).isEqualTo(failed);
        }

        @Test
        void a_run_id_can_be_inserted_only_once() {
            String sessionId = savedSession();
            store.insertRun(teamRun("r1", sessionId, RunStatus.PENDING), "owner");

            assertThatThrownBy(() -> store.insertRun(teamRun("r1", sessionId, RunStatus.RUNNING), "owner"))
                    .isInstanceOf(StoreException.class).hasMessageContaining("r1").hasMessageContaining("exists");
            assertThat(store.getRun("r1").map(RunResult::status)).contains(RunStatus.PENDING);
        }

        @Test
        void a_run_needs_its_session_saved_first() {
            assertThatThrownBy(() -> store.insertRun(teamRun("r1", "no-such-session", RunStatus.RUNNING), "owner"))
                    .isInstanceOf(StoreException.class).hasMessageContaining("no-such-session");
            assertThat(store.getRun("r1")).isEmpty();
        }

        @Test
        void updating_or_finishing_an_unknown_run_fails() {
            String sessionId = savedSession();

            assertThatThrownBy(() -> store.updateRun(teamRun("ghost", sessionId, RunStatus.RUNNING)))
                    .isInstanceOf(StoreException.class).hasMessageContaining("ghost");
            assertThatThrownBy(() -> store.finishRun(teamRun("ghost", sessionId, RunStatus.COMPLETED)))
                    .isInstanceOf(StoreException.class).hasMessageContaining("ghost");
        }

        @Test
        void a_pending_run_moves_to_running_and_records_progress() {
            String sessionId = savedSession();
            store.insertRun(teamRun("r1", sessionId, RunStatus.PENDING), "owner");
            RunResult running = withContent(teamRun("r1", sessionId, RunStatus.RUNNING), "half an answer");

            assertThat(store.updateRun(running)).isTrue();

            assertThat(store.getRun("r1")).contains(running);
        }

        @Test
        void finishing_needs_a_terminal_status() {
            String sessionId = savedSession();
            store.insertRun(teamRun("r1", sessionId, RunStatus.RUNNING), "owner");

            assertThatThrownBy(() -> store.finishRun(teamRun("r1", sessionId, RunStatus.RUNNING)))
                    .isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void a_terminal_status_is_final() {
            String sessionId = savedSession();
            TeamRunOutput run = teamRun("r1", sessionId, RunStatus.RUNNING);
            store.insertRun(run, "owner");
            RunResult cancelled = finished(run, RunStatus.CANCELLED, "partial");

            assertThat(store.finishRun(cancelled)).isTrue();
            assertThat(store.finishRun(finished(run, RunStatus.COMPLETED, "late answer"))).isFalse();
            assertThat(store.finishRun(finished(run, RunStatus.ERROR, "late error"))).isFalse();
            assertThat(store.updateRun(withContent(run, "late progress"))).isFalse();

            assertThat(store.getRun("r1")).contains(cancelled);
        }

        @Test
        void finishing_a_run_moves_its_session_updated_at() {
            String sessionId = savedSession();
            TeamRunOutput run = teamRun("r1", sessionId, RunStatus.RUNNING);
            store.insertRun(run, "owner");
            clock.advance(Duration.ofSeconds(42));

            store.finishRun(finished(run, RunStatus.COMPLETED, "done"));

            assertThat(store.getSession(sessionId).map(SessionRecord::updatedAt)).contains(T0.plusSeconds(42));
        }

        @Test
        void finishing_a_team_run_does_not_write_its_members() {
            String sessionId = savedSession();
            TeamRunOutput team = teamRun("t1", sessionId, RunStatus.RUNNING);
            RunOutput member = agentRun("m1", Optional.of("t1"), sessionId, RunStatus.RUNNING);
            store.insertRun(team, "owner");
            store.insertRun(member, "owner");

            RunResult memberDone = finished(member, RunStatus.COMPLETED, "facts");
            store.finishRun(((TeamRunOutput) finished(team, RunStatus.COMPLETED, "answer"))
                    .withMemberResponses(List.of(memberDone)));

            TeamRunOutput back = (TeamRunOutput) store.getRun("t1").orElseThrow();
            assertThat(back.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(back.memberResponses()).containsExactly(member);
        }
    }

    @Nested
    class Reading_runs {

        @Test
        void a_team_run_comes_back_with_its_members_in_start_order_nested_teams_included() {
            String sessionId = savedSession();
            TeamRunOutput team = teamRun("t1", sessionId, RunStatus.RUNNING);
            RunOutput second = agentRun("z-first-member", Optional.of("t1"), sessionId, RunStatus.COMPLETED);
            TeamRunOutput subTeam = memberTeamRun("a-sub-team", "t1", sessionId, RunStatus.RUNNING);
            RunOutput inner = agentRun("inner", Optional.of("a-sub-team"), sessionId, RunStatus.RUNNING);
            store.insertRun(team, "owner");
            store.insertRun(second, "owner");
            store.insertRun(subTeam, "owner");
            store.insertRun(inner, "owner");

            RunResult back = store.getRun("t1").orElseThrow();

            assertThat(back).isEqualTo(team.withMemberResponses(List.of(second,
                    subTeam.withMemberResponses(List.of(inner)))));
            assertThat(store.getRun("a-sub-team")).contains(subTeam.withMemberResponses(List.of(inner)));
            assertThat(store.getRun("inner")).contains(inner);
        }

        @Test
        void an_unknown_run_is_empty() {
            assertThat(store.getRun("nope")).isEmpty();
        }

        @Test
        void a_sessions_runs_list_top_level_oldest_first_with_members() {
            String sessionId = savedSession();
            String other = savedSession();
            store.insertRun(teamRun("t-b", sessionId, RunStatus.COMPLETED), "owner");
            store.insertRun(agentRun("m-b", Optional.of("t-b"), sessionId, RunStatus.COMPLETED), "owner");
            store.insertRun(teamRun("t-a", sessionId, RunStatus.RUNNING), "owner");
            store.insertRun(teamRun("t-other", other, RunStatus.RUNNING), "owner");
            store.insertRun(agentRun("m-a", Optional.of("t-a"), sessionId, RunStatus.RUNNING), "owner");

            List<RunResult> runs = store.listRuns(sessionId);

            assertThat(runs).extracting(RunResult::runId).containsExactly("t-b", "t-a");
            assertThat(runs).allSatisfy(r -> assertThat(((TeamRunOutput) r).memberResponses()).hasSize(1));
            assertThat(((TeamRunOutput) runs.get(1)).memberResponses().getFirst().runId()).isEqualTo("m-a");
            assertThat(store.listRuns("no-such-session")).isEmpty();
        }
    }

    @Nested
    class Orphans {

        @Test
        void runs_of_an_owner_that_never_beat_are_ended_as_error() {
            String sessionId = savedSession();
            store.heartbeat("live");
            store.insertRun(teamRun("dead-run", sessionId, RunStatus.RUNNING), "dead");
            store.insertRun(teamRun("dead-pending", sessionId, RunStatus.PENDING), "dead");
            store.insertRun(teamRun("live-run", sessionId, RunStatus.RUNNING), "live");

            List<String> ended = store.failOrphanedRuns(Duration.ofSeconds(30), ORPHAN_REASON);

            assertThat(ended).containsExactlyInAnyOrder("dead-run", "dead-pending");
            assertOrphaned("dead-run");
            assertOrphaned("dead-pending");
            assertThat(store.getRun("live-run").map(RunResult::status)).contains(RunStatus.RUNNING);
        }

        @Test
        void runs_of_an_owner_whose_heartbeat_went_stale_are_ended_and_live_ones_are_not() {
            String sessionId = savedSession();
            store.heartbeat("stopped");
            store.heartbeat("live");
            store.insertRun(teamRun("stopped-run", sessionId, RunStatus.RUNNING), "stopped");
            store.insertRun(teamRun("live-run", sessionId, RunStatus.RUNNING), "live");

            clock.advance(Duration.ofSeconds(20));
            store.heartbeat("live");
            assertThat(store.failOrphanedRuns(Duration.ofSeconds(30), ORPHAN_REASON)).isEmpty();

            clock.advance(Duration.ofSeconds(20));
            store.heartbeat("live");
            assertThat(store.failOrphanedRuns(Duration.ofSeconds(30), ORPHAN_REASON)).containsExactly("stopped-run");

            assertOrphaned("stopped-run");
            assertThat(store.getRun("live-run").map(RunResult::status)).contains(RunStatus.RUNNING);
        }

        @Test
        void finished_runs_are_never_touched_and_an_orphan_stays_ended() {
            String sessionId = savedSession();
            TeamRunOutput done = teamRun("done", sessionId, RunStatus.RUNNING);
            store.insertRun(done, "dead");
            RunResult completed = finished(done, RunStatus.COMPLETED, "answer");
            store.finishRun(completed);
            TeamRunOutput orphan = teamRun("orphan", sessionId, RunStatus.RUNNING);
            store.insertRun(orphan, "dead");

            assertThat(store.failOrphanedRuns(Duration.ofSeconds(30), ORPHAN_REASON)).containsExactly("orphan");
            assertThat(store.failOrphanedRuns(Duration.ofSeconds(30), ORPHAN_REASON)).isEmpty();

            assertThat(store.getRun("done")).contains(completed);
            assertThat(store.finishRun(finished(orphan, RunStatus.COMPLETED, "too late"))).isFalse();
            assertOrphaned("orphan");
        }

        @Test
        void a_team_runs_members_are_ended_too() {
            String sessionId = savedSession();
            store.insertRun(teamRun("t1", sessionId, RunStatus.RUNNING), "dead");
            store.insertRun(agentRun("m1", Optional.of("t1"), sessionId, RunStatus.RUNNING), "dead");

            assertThat(store.failOrphanedRuns(Duration.ofSeconds(30), ORPHAN_REASON))
                    .containsExactlyInAnyOrder("t1", "m1");

            TeamRunOutput back = (TeamRunOutput) store.getRun("t1").orElseThrow();
            assertThat(back.memberResponses()).extracting(RunResult::status).containsExactly(RunStatus.ERROR);
        }

        private void assertOrphaned(String runId) {
            RunResult run = store.getRun(runId).orElseThrow();
            assertThat(run.status()).isEqualTo(RunStatus.ERROR);
            assertThat(run.error()).contains(new RunFailure("orphaned_run", ORPHAN_REASON));
        }
    }

    @Nested
    class Concurrency {

        @Test
        void fifty_concurrent_team_runs_on_one_session_are_all_kept_with_their_members() throws Exception {
            String sessionId = savedSession();
            int runs = 50;
            CyclicBarrier start = new CyclicBarrier(runs);
            List<Callable<RunStatus>> work = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                int n = i;
                work.add(() -> {
                    boolean background = n % 2 == 0;
                    String teamId = "team-run-" + n;
                    TeamRunOutput team = teamRun(teamId, sessionId,
                            background ? RunStatus.PENDING : RunStatus.RUNNING);
                    start.await(30, TimeUnit.SECONDS);
                    store.insertRun(team, "owner");
                    if (background) {
                        store.updateRun(team.withStatus(RunStatus.RUNNING, Optional.empty()));
                    }
                    for (int m = 0; m < 2; m++) {
                        RunOutput member = agentRun(teamId + "-member-" + m, Optional.of(teamId), sessionId,
                                RunStatus.RUNNING);
                        store.insertRun(member, "owner");
                        store.finishRun(finished(member, RunStatus.COMPLETED, "member " + m));
                    }
                    RunStatus end = switch (n % 5) {
                        case 0 -> RunStatus.CANCELLED;
                        case 1 -> RunStatus.ERROR;
                        default -> RunStatus.COMPLETED;
                    };
                    assertThat(store.finishRun(finished(team, end, "answer " + n))).isTrue();
                    return end;
                });
            }

            List<RunStatus> expected = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(runs)) {
                for (Future<RunStatus> f : pool.invokeAll(work)) {
                    expected.add(f.get());
                }
            }

            List<RunResult> stored = store.listRuns(sessionId);
            assertThat(stored).hasSize(runs);
            for (int i = 0; i < runs; i++) {
                RunResult run = store.getRun("team-run-" + i).orElseThrow();
                assertThat(run.status()).as("status of team-run-%d", i).isEqualTo(expected.get(i));
                assertThat(run.content()).isEqualTo("answer " + i);
                assertThat(((TeamRunOutput) run).memberResponses())
                        .extracting(RunResult::runId, RunResult::status)
                        .containsExactly(
                                org.assertj.core.groups.Tuple.tuple("team-run-" + i + "-member-0", RunStatus.COMPLETED),
                                org.assertj.core.groups.Tuple.tuple("team-run-" + i + "-member-1", RunStatus.COMPLETED));
            }
        }

        @Test
        void cancel_and_complete_at_the_same_instant_store_exactly_the_one_accepted() throws Exception {
            String sessionId = savedSession();
            CyclicBarrier together = new CyclicBarrier(2);
            int cancelWins = 0;
            int completeWins = 0;
            try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
                for (int i = 0; i < raceIterations(); i++) {
                    TeamRunOutput run = teamRun("race-" + i, sessionId, RunStatus.RUNNING);
                    store.insertRun(run, "owner");
                    RunResult cancelled = finished(run, RunStatus.CANCELLED, "partial");
                    RunResult completed = finished(run, RunStatus.COMPLETED, "full answer");

                    Future<Boolean> cancel = pool.submit(() -> {
                        together.await(10, TimeUnit.SECONDS);
                        return store.finishRun(cancelled);
                    });
                    Future<Boolean> complete = pool.submit(() -> {
                        together.await(10, TimeUnit.SECONDS);
                        return store.finishRun(completed);
                    });
                    boolean cancelAccepted = cancel.get();
                    boolean completeAccepted = complete.get();

                    assertThat(cancelAccepted ^ completeAccepted).as("exactly one accepted in race %d", i).isTrue();
                    RunResult expected = cancelAccepted ? cancelled : completed;
                    assertThat(store.getRun(run.runId())).contains(expected);
                    if (cancelAccepted) {
                        cancelWins++;
                    } else {
                        completeWins++;
                    }
                }
            }
            assertThat(cancelWins + completeWins).isEqualTo(raceIterations());
        }
    }
}
