package dev.cadre.jdbc;

import static dev.cadre.jdbc.Runs.T0;
import static dev.cadre.jdbc.Runs.agentRun;
import static dev.cadre.jdbc.Runs.finished;
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
import dev.cadre.db.Page;
import dev.cadre.db.SessionQuery;
import dev.cadre.db.SessionRecord;
import dev.cadre.db.SessionType;
import dev.cadre.db.Db;
import dev.cadre.db.DbException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The first part of what every {@link Db} promises (sessions, writing runs); {@link SessionsContract},
 * {@link UsageContract}, {@link CancelRequestsContract} and {@link DbContract} hold the rest. Each store runs
 * them all through one subclass of {@link DbContract}.
 */
abstract class DbContractBase {

    protected static final String ORPHAN_REASON = "the process running this run stopped";

    protected MutableClock clock;
    protected Db store;

    /** A new, empty store on {@code clock}, with no periodic background work. */
    protected abstract Db newStore(MutableClock clock);

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

    static RunResult withInput(TeamRunOutput t, String input) {
        return new TeamRunOutput(t.runId(), t.teamId(), t.teamName(), t.sessionId(), t.parentRunId(), t.userId(),
                new dev.cadre.run.RunResult.RunInput(input), t.content(), t.status(), t.error(), t.messages(),
                t.tools(), t.metrics(), t.model(), t.modelProvider(), t.createdAt(), t.events(), t.memberResponses());
    }

    String savedSession() {
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
        void a_session_keeps_its_first_top_level_runs_input_for_listings() {
            String sessionId = savedSession();
            store.insertRun(agentRun("m0", Optional.of("t0"), sessionId, RunStatus.RUNNING), "owner");
            assertThat(store.getSession(sessionId).flatMap(SessionRecord::firstInput)).isEmpty();

            store.insertRun(teamRun("t1", sessionId, RunStatus.RUNNING), "owner");
            store.insertRun(withInput(teamRun("t2", sessionId, RunStatus.RUNNING), "a later question"), "owner");

            SessionRecord listed = store.listSessions(SessionQuery.all()).items().getFirst();
            assertThat(listed.firstInput()).contains("What is new in Java 25?");
            assertThat(listed.displayName()).isEqualTo("What is new in Java 25?");
            assertThat(store.getSession(sessionId).orElseThrow().firstInput()).contains("What is new in Java 25?");
            store.renameSession(sessionId, "Java 25");
            assertThat(store.getSession(sessionId).orElseThrow().displayName()).isEqualTo("Java 25");
        }

        @Test
        void a_long_first_input_is_kept_cut_to_a_thousand_characters() {
            String sessionId = savedSession();
            store.insertRun(withInput(teamRun("t1", sessionId, RunStatus.RUNNING), "x".repeat(5_000)), "owner");

            assertThat(store.getSession(sessionId).flatMap(SessionRecord::firstInput)).get()
                    .isEqualTo("x".repeat(SessionRecord.MAX_FIRST_INPUT));
            assertThat(store.getRun("t1").orElseThrow().input().inputContent()).hasSize(5_000);
        }

        @Test
        void a_session_name_with_a_nul_is_refused() {
            String sessionId = savedSession();

            assertThatThrownBy(() -> store.renameSession(sessionId, "bad\u0000name"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NUL");
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
        void text_a_run_produced_is_stored_with_nul_replaced_the_same_on_every_store() {
            String sessionId = savedSession();
            RunResult run = withContent(agentRun("r1", Optional.empty(), sessionId, RunStatus.RUNNING),
                    "before\u0000after");
            store.insertRun(run, "owner");
            RunResult done = withContent(run.withStatus(RunStatus.COMPLETED, Optional.empty()), "done\u0000!");

            assertThat(store.finishRun(done)).isTrue();

            assertThat(store.getRun("r1").orElseThrow().content()).isEqualTo("done\uFFFD!");
        }

        @Test
        void ids_with_control_characters_are_refused_before_anything_is_written() {
            assertThatThrownBy(() -> store.saveSession(teamSession("s\u0001", T0)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("control characters");
            String sessionId = savedSession();
            assertThatThrownBy(() -> store.insertRun(teamRun("r\u0000", sessionId, RunStatus.RUNNING), "owner"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("run id");
            assertThat(store.listRuns(sessionId)).isEmpty();
        }

        @Test
        void failures_say_their_kind() {
            String sessionId = savedSession();
            store.insertRun(teamRun("r1", sessionId, RunStatus.RUNNING), "owner");

            assertThatThrownBy(() -> store.insertRun(teamRun("r1", sessionId, RunStatus.RUNNING), "owner"))
                    .isInstanceOfSatisfying(DbException.class,
                            e -> assertThat(e.kind()).isEqualTo(DbException.Kind.CONFLICT));
            assertThatThrownBy(() -> store.insertRun(teamRun("r2", "no-such-session", RunStatus.RUNNING), "owner"))
                    .isInstanceOfSatisfying(DbException.class,
                            e -> assertThat(e.kind()).isEqualTo(DbException.Kind.NOT_FOUND));
            assertThatThrownBy(() -> store.finishRun(teamRun("ghost", sessionId, RunStatus.COMPLETED)))
                    .isInstanceOfSatisfying(DbException.class,
                            e -> assertThat(e.kind()).isEqualTo(DbException.Kind.NOT_FOUND));
        }

        @Test
        void a_run_id_can_be_inserted_only_once() {
            String sessionId = savedSession();
            store.insertRun(teamRun("r1", sessionId, RunStatus.PENDING), "owner");

            assertThatThrownBy(() -> store.insertRun(teamRun("r1", sessionId, RunStatus.RUNNING), "owner"))
                    .isInstanceOf(DbException.class).hasMessageContaining("r1").hasMessageContaining("exists");
            assertThat(store.getRun("r1").map(RunResult::status)).contains(RunStatus.PENDING);
        }

        @Test
        void a_run_needs_its_session_saved_first() {
            assertThatThrownBy(() -> store.insertRun(teamRun("r1", "no-such-session", RunStatus.RUNNING), "owner"))
                    .isInstanceOf(DbException.class).hasMessageContaining("no-such-session");
            assertThat(store.getRun("r1")).isEmpty();
        }

        @Test
        void updating_or_finishing_an_unknown_run_fails() {
            String sessionId = savedSession();

            assertThatThrownBy(() -> store.updateRun(teamRun("ghost", sessionId, RunStatus.RUNNING)))
                    .isInstanceOf(DbException.class).hasMessageContaining("ghost");
            assertThatThrownBy(() -> store.finishRun(teamRun("ghost", sessionId, RunStatus.COMPLETED)))
                    .isInstanceOf(DbException.class).hasMessageContaining("ghost");
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
}
