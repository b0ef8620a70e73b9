package dev.cadre.jdbc;

import static dev.cadre.jdbc.Runs.agentRun;
import static dev.cadre.jdbc.Runs.finished;
import static dev.cadre.jdbc.Runs.withTokens;
import static dev.cadre.jdbc.Runs.memberTeamRun;
import static dev.cadre.jdbc.Runs.teamRun;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.run.RunFailure;
import dev.cadre.run.RunOutput;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.run.TeamRunOutput;
import dev.cadre.db.Db;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Db} promises. Each store (in memory, SQLite, PostgreSQL) runs this same suite
 * through a subclass, so they cannot drift apart.
 */
abstract class DbContract extends RecentRunsContract {

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

        @Test
        void the_owner_of_a_run_the_sweep_took_for_orphaned_still_writes_its_real_end() {
            String sessionId = savedSession();
            TeamRunOutput run = teamRun("r1", sessionId, RunStatus.RUNNING);
            store.insertRun(run, "alive-but-silent");
            assertThat(store.failOrphanedRuns(Duration.ofSeconds(30), ORPHAN_REASON)).containsExactly("r1");
            RunResult done = finished(run, RunStatus.COMPLETED, "the real answer");

            assertThat(store.finishRun(done, "someone-else")).isFalse();
            assertThat(store.finishRun(done)).isFalse();
            assertOrphaned("r1");
            assertThat(store.finishRun(done, "alive-but-silent")).isTrue();

            assertThat(store.getRun("r1")).contains(done);
            assertThat(store.finishRun(finished(run, RunStatus.ERROR, "later"), "alive-but-silent")).isFalse();
        }

        @Test
        void the_owner_of_a_run_the_sweep_took_for_orphaned_can_carry_on_with_it() {
            String sessionId = savedSession();
            TeamRunOutput run = teamRun("r1", sessionId, RunStatus.RUNNING);
            store.insertRun(run, "alive-but-silent");
            store.failOrphanedRuns(Duration.ofSeconds(30), ORPHAN_REASON);

            assertThat(store.updateRun(run, "someone-else")).isFalse();
            assertThat(store.updateRun(run, "alive-but-silent")).isTrue();

            assertThat(store.getRun("r1").map(RunResult::status)).contains(RunStatus.RUNNING);
            assertThat(store.getRun("r1").flatMap(RunResult::error)).isEmpty();
        }

        @Test
        void ends_written_together_are_each_written_once_and_a_run_ended_already_keeps_its_end() {
            String sessionId = savedSession();
            store.insertRun(teamRun("t1", sessionId, RunStatus.RUNNING), "p");
            store.insertRun(agentRun("m1", Optional.of("t1"), sessionId, RunStatus.RUNNING), "p");
            store.insertRun(agentRun("m2", Optional.of("t1"), sessionId, RunStatus.RUNNING), "p");
            RunResult m2First = withTokens(finished(agentRun("m2", Optional.of("t1"), sessionId, RunStatus.RUNNING),
                    RunStatus.COMPLETED, "m2 answered first"), "gpt-5.2-mini", 1, 1);
            assertThat(store.finishRun(m2First, "p")).isTrue();

            List<Boolean> written = store.finishRuns(List.of(
                    withTokens(finished(agentRun("m1", Optional.of("t1"), sessionId, RunStatus.RUNNING),
                            RunStatus.CANCELLED, "m1 half"), "gpt-5.2-mini", 10, 2),
                    withTokens(finished(agentRun("m2", Optional.of("t1"), sessionId, RunStatus.RUNNING),
                            RunStatus.CANCELLED, "m2 late"), "gpt-5.2-mini", 1000, 1000),
                    withTokens(finished(teamRun("t1", sessionId, RunStatus.RUNNING), RunStatus.CANCELLED, "t1 half"),
                            "gpt-5.2-mini", 100, 20)), "p");

            assertThat(written).containsExactly(true, false, true);
            assertThat(store.getRun("m1").map(RunResult::content)).contains("m1 half");
            assertThat(store.getRun("m2").map(RunResult::content)).contains("m2 answered first");
            assertThat(store.getRun("t1").map(RunResult::status)).contains(RunStatus.CANCELLED);
            assertThat(store.getSession(sessionId).orElseThrow().usage().tokens().inputTokens()).isEqualTo(111);
        }

        @Test
        void the_owner_replaces_the_sweeps_verdict_on_runs_it_ends_together() {
            String sessionId = savedSession();
            store.insertRun(teamRun("t1", sessionId, RunStatus.RUNNING), "alive-but-silent");
            store.insertRun(agentRun("m1", Optional.of("t1"), sessionId, RunStatus.RUNNING), "alive-but-silent");
            assertThat(store.failOrphanedRuns(Duration.ofSeconds(30), ORPHAN_REASON)).containsExactlyInAnyOrder("t1",
                    "m1");

            List<Boolean> written = store.finishRuns(List.of(
                    finished(agentRun("m1", Optional.of("t1"), sessionId, RunStatus.RUNNING), RunStatus.CANCELLED, "m"),
                    finished(teamRun("t1", sessionId, RunStatus.RUNNING), RunStatus.CANCELLED, "t")),
                    "alive-but-silent");

            assertThat(written).containsExactly(true, true);
            assertThat(store.getRun("m1").map(RunResult::status)).contains(RunStatus.CANCELLED);
            assertThat(store.getRun("t1").map(RunResult::content)).contains("t");
        }

        @Test
        void a_run_another_writer_ended_is_not_the_owners_to_change() {
            String sessionId = savedSession();
            TeamRunOutput run = teamRun("r1", sessionId, RunStatus.RUNNING);
            store.insertRun(run, "owner");
            RunResult cancelled = finished(run, RunStatus.CANCELLED, "cancelled elsewhere");
            assertThat(store.finishRun(cancelled)).isTrue();

            assertThat(store.finishRun(finished(run, RunStatus.COMPLETED, "mine"), "owner")).isFalse();
            assertThat(store.updateRun(run, "owner")).isFalse();
            assertThat(store.getRun("r1")).contains(cancelled);
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
                    RunResult cancelled = withTokens(finished(run, RunStatus.CANCELLED, "partial"), "gpt-5.2-mini",
                            10, 1);
                    RunResult completed = withTokens(finished(run, RunStatus.COMPLETED, "full answer"),
                            "gpt-5.2-mini", 100, 20);

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
            // The loser's tokens never count: the session's usage is its winners' alone.
            assertThat(store.getSession(sessionId).orElseThrow().usage().tokens().inputTokens())
                    .isEqualTo(10L * cancelWins + 100L * completeWins);
        }
    }
}
