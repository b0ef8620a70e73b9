package dev.cadre.jdbc;

import static dev.cadre.jdbc.Runs.T0;
import static dev.cadre.jdbc.Runs.agentRun;
import static dev.cadre.jdbc.Runs.newId;
import static dev.cadre.jdbc.Runs.teamSession;
import static dev.cadre.jdbc.Runs.startedAt;
import static dev.cadre.jdbc.Runs.teamRun;
import static dev.cadre.jdbc.Runs.withUser;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cadre.db.DbException;
import dev.cadre.db.Page;
import dev.cadre.db.RunQuery;
import dev.cadre.db.RunSummary;
import dev.cadre.db.SessionRecord;
import dev.cadre.json.CadreJson;
import dev.cadre.run.RunMetrics;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * What every store promises for {@link dev.cadre.db.Db#listRecentRuns} (runs across sessions, newest first), for
 * {@link dev.cadre.db.Db#recentRunSummaries}, {@link dev.cadre.db.Db#runOwners} and {@link dev.cadre.db.Db#startRun}.
 */
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

    @Nested
    class Summing_up_recent_runs {

        private RunResult endedAfter(RunResult run, Duration took) {
            ObjectNode tree = (ObjectNode) CadreJson.tree(Runs.finished(run, RunStatus.COMPLETED, "done"));
            tree.set("metrics", CadreJson.tree(new RunMetrics(0, 0, 0, 0, 0, Optional.empty(), Optional.of(took))));
            return CadreJson.mapper().convertValue(tree, run.getClass());
        }

        @Test
        void runs_started_since_come_newest_first_with_status_start_and_duration_only() {
            String sessionId = savedSession();
            store.insertRun(startedAt(agentRun("before", Optional.empty(), sessionId, RunStatus.RUNNING),
                    T0.minusSeconds(1)), "owner");
            RunResult ended = startedAt(agentRun("ended", Optional.empty(), sessionId, RunStatus.RUNNING), T0);
            store.insertRun(ended, "owner");
            store.finishRun(endedAfter(ended, Duration.ofMillis(1250)));
            store.insertRun(startedAt(teamRun("going", sessionId, RunStatus.RUNNING), T0.plusSeconds(5)), "owner");
            store.insertRun(agentRun("member", Optional.of("going"), sessionId, RunStatus.RUNNING), "owner");

            List<RunSummary> read = store.recentRunSummaries(RunQuery.all(), T0, 100);

            assertThat(read).extracting(RunSummary::runId).containsExactly("going", "ended");
            assertThat(read.get(0).status()).isEqualTo(RunStatus.RUNNING);
            assertThat(read.get(0).createdAt()).isEqualTo(T0.plusSeconds(5));
            assertThat(read.get(0).duration()).isEmpty();
            assertThat(read.get(1).status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(read.get(1).duration()).contains(Duration.ofMillis(1250));
        }

        @Test
        void they_follow_the_filters_and_stop_at_the_limit() {
            String sessionId = savedSession();
            store.insertRun(withUser(startedAt(teamRun("team", sessionId, RunStatus.PENDING), T0), "user-2"),
                    "owner");
            for (int i = 0; i < 4; i++) {
                store.insertRun(startedAt(agentRun("agent-" + i, Optional.empty(), sessionId, RunStatus.RUNNING),
                        T0.plusSeconds(i)), "owner");
            }

            assertThat(store.recentRunSummaries(RunQuery.all(), T0, 2)).extracting(RunSummary::runId)
                    .containsExactly("agent-3", "agent-2");
            assertThat(store.recentRunSummaries(RunQuery.all().withUserId("user-2"), T0, 100))
                    .extracting(RunSummary::runId).containsExactly("team");
            assertThat(store.recentRunSummaries(RunQuery.all().withComponentId("researcher")
                    .withStatus(RunStatus.RUNNING), T0.plusSeconds(2), 100))
                    .extracting(RunSummary::runId).containsExactly("agent-3", "agent-2");
        }

        @Test
        void the_owners_of_many_runs_come_in_one_read_without_unknown_runs() {
            String sessionId = savedSession();
            List<String> ids = new java.util.ArrayList<>();
            for (int i = 0; i < 600; i++) {
                String id = "owned-" + i;
                store.insertRun(agentRun(id, Optional.empty(), sessionId, RunStatus.RUNNING), "node-" + (i % 3));
                ids.add(id);
            }
            ids.add("no-such-run");

            Map<String, String> owners = store.runOwners(ids);

            assertThat(owners).hasSize(600).containsEntry("owned-0", "node-0").containsEntry("owned-599", "node-2")
                    .doesNotContainKey("no-such-run");
            for (String id : List.of("owned-7", "owned-500", "owned-599")) {
                assertThat(Optional.ofNullable(owners.get(id))).isEqualTo(store.runOwner(id));
            }
        }
    }

    @Nested
    class Starting_a_run {

        @Test
        void saves_the_session_and_inserts_the_run_together() {
            String sessionId = newId("session");

            store.startRun(teamSession(sessionId, clock.instant()), teamRun("started", sessionId, RunStatus.PENDING),
                    "owner");

            assertThat(store.getSession(sessionId).flatMap(SessionRecord::firstInput))
                    .contains("What is new in Java 25?");
            assertThat(store.getRun("started").map(RunResult::status)).contains(RunStatus.PENDING);
            assertThat(store.runOwner("started")).contains("owner");
        }

        @Test
        void a_run_that_exists_is_a_conflict_and_saves_no_session() {
            String first = newId("session");
            store.startRun(teamSession(first, clock.instant()), teamRun("twice", first, RunStatus.PENDING), "owner");
            String second = newId("session");

            assertThatThrownBy(() -> store.startRun(teamSession(second, clock.instant()),
                    teamRun("twice", second, RunStatus.PENDING), "owner"))
                    .isInstanceOfSatisfying(DbException.class, e -> assertThat(e.kind())
                            .isEqualTo(DbException.Kind.CONFLICT));
            assertThat(store.getSession(second)).as("nothing of the refused start is kept").isEmpty();
            assertThat(store.getRun("twice").map(RunResult::sessionId)).contains(first);
        }
    }
}
