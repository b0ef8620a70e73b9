package dev.cadre.jdbc;

import static dev.cadre.jdbc.Runs.agentRun;
import static dev.cadre.jdbc.Runs.finished;
import static dev.cadre.jdbc.Runs.teamRun;
import static dev.cadre.jdbc.Runs.withContent;
import static dev.cadre.jdbc.Runs.withTokens;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.db.Db;
import dev.cadre.run.RunFailure;
import dev.cadre.run.RunOutput;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.run.TeamRunOutput;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * What every store promises about cancel requests: a canceller records a request and changes nothing else, the
 * owner finds its requests until its run ends, and the orphan sweep ends a requested run as cancelled. Part of
 * {@link DbContract}.
 */
abstract class CancelRequestsContract extends UsageContract {

    @Nested
    class Cancel_requests {

        @Test
        void a_request_for_an_unknown_run_is_empty_and_records_nothing() {
            assertThat(store.requestCancel("no-such-run", "stop")).isEmpty();
            assertThat(store.cancelRequests("owner")).isEmpty();
        }

        @Test
        void a_request_leaves_a_running_run_as_it_is_and_is_listed_for_its_owner_only() {
            String sessionId = savedSession();
            RunResult progress = withContent(teamRun("r1", sessionId, RunStatus.RUNNING), "half an answer");
            store.insertRun(progress, "owner");
            store.insertRun(teamRun("r2", sessionId, RunStatus.RUNNING), "owner");

            Optional<RunResult> asked = store.requestCancel("r1", "cancelled by user");

            assertThat(asked).contains(progress);
            assertThat(store.getRun("r1")).contains(progress);
            assertThat(store.cancelRequests("owner")).isEqualTo(Map.of("r1", "cancelled by user"));
            assertThat(store.cancelRequests("another-process")).isEmpty();
        }

        @Test
        void a_pending_run_can_be_asked_to_cancel_too() {
            String sessionId = savedSession();
            TeamRunOutput pending = teamRun("r1", sessionId, RunStatus.PENDING);
            store.insertRun(pending, "owner");

            assertThat(store.requestCancel("r1", "not needed any more")).contains(pending);

            assertThat(store.cancelRequests("owner")).isEqualTo(Map.of("r1", "not needed any more"));
            assertThat(store.getRun("r1").map(RunResult::status)).contains(RunStatus.PENDING);
        }

        @Test
        void a_team_run_asked_to_cancel_comes_back_with_its_members() {
            String sessionId = savedSession();
            TeamRunOutput team = teamRun("t1", sessionId, RunStatus.RUNNING);
            RunOutput member = agentRun("m1", Optional.of("t1"), sessionId, RunStatus.RUNNING);
            store.insertRun(team, "owner");
            store.insertRun(member, "owner");

            assertThat(store.requestCancel("t1", "stop")).contains(team.withMemberResponses(List.of(member)));
            assertThat(store.cancelRequests("owner")).containsOnlyKeys("t1");
        }

        @Test
        void a_second_request_keeps_the_first_ones_reason() {
            String sessionId = savedSession();
            store.insertRun(teamRun("r1", sessionId, RunStatus.RUNNING), "owner");

            store.requestCancel("r1", "first");
            assertThat(store.requestCancel("r1", "second")).isPresent();

            assertThat(store.cancelRequests("owner")).isEqualTo(Map.of("r1", "first"));
        }

        @Test
        void a_terminal_run_comes_back_unchanged_and_gets_no_request() {
            String sessionId = savedSession();
            TeamRunOutput run = teamRun("r1", sessionId, RunStatus.RUNNING);
            store.insertRun(run, "owner");
            RunResult completed = finished(run, RunStatus.COMPLETED, "the answer");
            store.finishRun(completed, "owner");

            assertThat(store.requestCancel("r1", "too late")).contains(completed);

            assertThat(store.cancelRequests("owner")).isEmpty();
            assertThat(store.getRun("r1")).contains(completed);
        }

        @Test
        void a_run_the_sweep_ended_as_error_gets_no_request_even_when_its_owner_carries_on_with_it() {
            String sessionId = savedSession();
            TeamRunOutput run = teamRun("r1", sessionId, RunStatus.RUNNING);
            store.insertRun(run, "alive-but-silent");
            store.failOrphanedRuns(Duration.ofSeconds(30), ORPHAN_REASON);

            assertThat(store.requestCancel("r1", "stop").map(RunResult::status)).contains(RunStatus.ERROR);
            assertThat(store.updateRun(run, "alive-but-silent")).isTrue();

            assertThat(store.cancelRequests("alive-but-silent")).isEmpty();
        }

        @Test
        void the_owners_progress_after_a_request_keeps_the_request_until_the_run_ends() {
            String sessionId = savedSession();
            TeamRunOutput run = teamRun("r1", sessionId, RunStatus.RUNNING);
            store.insertRun(run, "owner");
            store.requestCancel("r1", "cancelled by user");

            assertThat(store.updateRun(withContent(run, "more"), "owner")).isTrue();
            assertThat(store.cancelRequests("owner")).isEqualTo(Map.of("r1", "cancelled by user"));
            assertThat(store.updateRun(withContent(run, "more still"))).isTrue();
            assertThat(store.cancelRequests("owner")).isEqualTo(Map.of("r1", "cancelled by user"));

            RunResult cancelled = finished(run, RunStatus.CANCELLED, "more still");
            assertThat(store.finishRun(cancelled, "owner")).isTrue();

            assertThat(store.cancelRequests("owner")).isEmpty();
            assertThat(store.getRun("r1")).contains(cancelled);
        }

        @Test
        void a_run_finished_without_its_owners_id_leaves_the_list_too() {
            String sessionId = savedSession();
            TeamRunOutput run = teamRun("r1", sessionId, RunStatus.RUNNING);
            store.insertRun(run, "owner");
            store.requestCancel("r1", "stop");

            assertThat(store.finishRun(finished(run, RunStatus.COMPLETED, "done anyway"))).isTrue();

            assertThat(store.cancelRequests("owner")).isEmpty();
        }

        @Test
        void the_sweep_ends_a_requested_orphan_cancelled_with_its_content_and_any_other_as_error() {
            String sessionId = savedSession();
            RunResult requested = withTokens(teamRun("asked", sessionId, RunStatus.RUNNING), "gpt-5.2-mini", 150, 65);
            store.insertRun(requested, "dead");
            RunResult progress = withContent(requested, "what the owner wrote last");
            store.updateRun(progress, "dead");
            store.requestCancel("asked", "cancelled by user");
            RunResult unasked = withTokens(teamRun("unasked", sessionId, RunStatus.RUNNING), "gpt-5.2-mini", 9, 1);
            store.insertRun(unasked, "dead");

            assertThat(store.failOrphanedRuns(Duration.ofSeconds(30), ORPHAN_REASON))
                    .containsExactlyInAnyOrder("asked", "unasked");

            assertThat(store.getRun("asked")).contains(progress.withStatus(RunStatus.CANCELLED, Optional.empty()));
            RunResult failed = store.getRun("unasked").orElseThrow();
            assertThat(failed.status()).isEqualTo(RunStatus.ERROR);
            assertThat(failed.error()).contains(new RunFailure(Db.ORPHAN_ERROR_TYPE, ORPHAN_REASON));
            assertThat(store.cancelRequests("dead")).isEmpty();
            assertThat(usageOf(sessionId).tokens()).isEqualTo(tokens(159, 66));
        }

        @Test
        void a_run_the_sweep_cancelled_as_asked_is_not_its_owners_to_rewrite() {
            String sessionId = savedSession();
            TeamRunOutput run = teamRun("r1", sessionId, RunStatus.RUNNING);
            store.insertRun(run, "alive-but-silent");
            store.requestCancel("r1", "stop");
            store.failOrphanedRuns(Duration.ofSeconds(30), ORPHAN_REASON);

            assertThat(store.finishRun(finished(run, RunStatus.COMPLETED, "mine"), "alive-but-silent")).isFalse();
            assertThat(store.updateRun(run, "alive-but-silent")).isFalse();
            assertThat(store.getRun("r1").map(RunResult::status)).contains(RunStatus.CANCELLED);
        }
    }

    @Nested
    class Taking_over_runs {

        @Test
        void a_claimed_run_changes_owner_and_nothing_else_and_its_requests_follow_it() {
            String sessionId = savedSession();
            RunResult progress = withContent(teamRun("r1", sessionId, RunStatus.RUNNING), "what the dead wrote");
            store.insertRun(progress, "dead");
            store.requestCancel("r1", "stop");

            assertThat(store.runOwner("r1")).contains("dead");
            assertThat(store.claimRun("r1", "alive")).contains(progress);

            assertThat(store.runOwner("r1")).contains("alive");
            assertThat(store.runOwner("no-such-run")).isEmpty();
            assertThat(store.getRun("r1")).contains(progress);
            assertThat(store.cancelRequests("alive")).isEqualTo(Map.of("r1", "stop"));
            assertThat(store.cancelRequests("dead")).isEmpty();
        }

        @Test
        void the_runs_of_a_durable_process_are_no_orphans_when_it_dies_its_peers_resume_them() {
            String sessionId = savedSession();
            store.insertRun(teamRun("r1", sessionId, RunStatus.RUNNING), "durable-and-dead");
            store.insertRun(teamRun("r2", sessionId, RunStatus.RUNNING), "local-and-dead");
            store.declareDurable("durable-and-dead");

            assertThat(store.failOrphanedRuns(Duration.ofSeconds(30), ORPHAN_REASON)).containsExactly("r2");
            assertThat(store.getRun("r1").orElseThrow().status()).isEqualTo(RunStatus.RUNNING);
        }

        @Test
        void a_claimed_run_is_no_orphan_while_its_new_owner_beats() {
            String sessionId = savedSession();
            store.insertRun(teamRun("r1", sessionId, RunStatus.RUNNING), "dead");
            store.claimRun("r1", "alive");
            store.heartbeat("alive");

            assertThat(store.failOrphanedRuns(Duration.ofSeconds(30), ORPHAN_REASON)).isEmpty();
        }

        @Test
        void a_terminal_run_is_returned_as_it_is_and_an_unknown_one_is_empty() {
            String sessionId = savedSession();
            TeamRunOutput run = teamRun("r1", sessionId, RunStatus.RUNNING);
            store.insertRun(run, "dead");
            RunResult done = finished(run, RunStatus.COMPLETED, "done");
            store.finishRun(done);

            assertThat(store.claimRun("r1", "alive")).contains(done);
            assertThat(store.claimRun("no-such-run", "alive")).isEmpty();
            assertThat(store.updateRun(run, "alive")).as("still terminal").isFalse();
        }

        @Test
        void a_team_run_is_claimed_with_its_members_as_stored() {
            String sessionId = savedSession();
            TeamRunOutput team = teamRun("t1", sessionId, RunStatus.RUNNING);
            RunOutput member = agentRun("m1", Optional.of("t1"), sessionId, RunStatus.RUNNING);
            store.insertRun(team, "dead");
            store.insertRun(member, "dead");

            assertThat(store.claimRun("t1", "alive")).contains(team.withMemberResponses(List.of(member)));
        }
    }
}
