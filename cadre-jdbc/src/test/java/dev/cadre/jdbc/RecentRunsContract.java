package dev.cadre.jdbc;

import static dev.cadre.jdbc.Runs.agentRun;
import static dev.cadre.jdbc.Runs.teamRun;
import static dev.cadre.jdbc.Runs.withUser;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.db.Page;
import dev.cadre.db.RunQuery;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** What every store promises for {@link dev.cadre.db.Db#listRecentRuns}: runs across sessions, newest first. */
abstract class RecentRunsContract extends MemoriesContract {

    @Nested
    class Listing_recent_runs {

        @Test
        void top_level_runs_of_every_session_come_newest_first_without_member_runs() {
            String first = savedSession();
            String second = savedSession();
            store.insertRun(teamRun("old", first, RunStatus.RUNNING), "owner");
            store.insertRun(agentRun("member", Optional.of("old"), first, RunStatus.RUNNING), "owner");
            store.insertRun(agentRun("new", Optional.empty(), second, RunStatus.RUNNING), "owner");

            Page<RunResult> page = store.listRecentRuns(RunQuery.all());

            assertThat(page.items()).extracting(RunResult::runId).containsExactly("new", "old");
            assertThat(page.total()).isEqualTo(2);
        }

        @Test
        void filters_by_status_component_and_user() {
            String sessionId = savedSession();
            store.insertRun(teamRun("team-running", sessionId, RunStatus.RUNNING), "owner");
            store.insertRun(agentRun("agent-pending", Optional.empty(), sessionId, RunStatus.PENDING), "owner");
            store.insertRun(withUser(agentRun("agent-other-user", Optional.empty(), sessionId, RunStatus.RUNNING),
                    "user-2"), "owner");

            assertThat(store.listRecentRuns(RunQuery.all().withStatus(RunStatus.PENDING)).items())
                    .extracting(RunResult::runId).containsExactly("agent-pending");
            assertThat(store.listRecentRuns(RunQuery.all().withComponentId("research-team")).items())
                    .extracting(RunResult::runId).containsExactly("team-running");
            assertThat(store.listRecentRuns(RunQuery.all().withUserId("user-2")).items())
                    .extracting(RunResult::runId).containsExactly("agent-other-user");
            assertThat(store.listRecentRuns(RunQuery.all().withStatus(RunStatus.RUNNING).withUserId("user-1")).items())
                    .extracting(RunResult::runId).containsExactly("team-running");
        }

        @Test
        void pages_neither_repeat_nor_skip_a_run() {
            String sessionId = savedSession();
            for (int i = 0; i < 5; i++) {
                store.insertRun(agentRun("run-" + i, Optional.empty(), sessionId, RunStatus.RUNNING), "owner");
            }

            Page<RunResult> p1 = store.listRecentRuns(RunQuery.all().withPage(1, 2));
            Page<RunResult> p3 = store.listRecentRuns(RunQuery.all().withPage(3, 2));
            Page<RunResult> p4 = store.listRecentRuns(RunQuery.all().withPage(4, 2));

            assertThat(p1.items()).extracting(RunResult::runId).containsExactly("run-4", "run-3");
            assertThat(p3.items()).extracting(RunResult::runId).containsExactly("run-0");
            assertThat(p4.items()).isEmpty();
            assertThat(p1.total()).isEqualTo(5);
            assertThat(p1.totalPages()).isEqualTo(3);
        }

        @Test
        void a_run_shows_its_stored_status_once_it_ends() {
            String sessionId = savedSession();
            RunResult run = agentRun("ends", Optional.empty(), sessionId, RunStatus.RUNNING);
            store.insertRun(run, "owner");
            store.finishRun(Runs.finished(run, RunStatus.COMPLETED, "done"));

            assertThat(store.listRecentRuns(RunQuery.all()).items()).singleElement()
                    .satisfies(r -> assertThat(r.status()).isEqualTo(RunStatus.COMPLETED))
                    .satisfies(r -> assertThat(r.content()).isEqualTo("done"));
        }
    }
}
