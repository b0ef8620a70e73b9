package dev.cadre.jdbc;

import static dev.cadre.jdbc.Runs.T0;
import static dev.cadre.jdbc.Runs.agentRun;
import static dev.cadre.jdbc.Runs.finished;
import static dev.cadre.jdbc.Runs.startedAt;
import static dev.cadre.jdbc.Runs.teamRun;
import static dev.cadre.jdbc.Runs.teamSession;
import static dev.cadre.jdbc.Runs.withTokens;
import static dev.cadre.jdbc.Runs.withUser;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.db.DailyUsage;
import dev.cadre.db.ModelUsage;
import dev.cadre.db.SessionQuery;
import dev.cadre.db.SessionType;
import dev.cadre.db.SessionUsage;
import dev.cadre.db.TokenCounts;
import dev.cadre.db.UsageQuery;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * What every store promises about usage: a session's token totals per model kept as its runs end, and what each
 * day saw, added up by the store. Part of {@link DbContract}.
 */
abstract class UsageContract extends SessionsContract {

    static final LocalDate DAY_ONE = LocalDate.of(2026, 1, 2);

    static TokenCounts tokens(long input, long output) {
        return new TokenCounts(input, output, input + output, 0, 0, 0);
    }

    SessionUsage usageOf(String sessionId) {
        return store.getSession(sessionId).orElseThrow().usage();
    }

    /** A team run and its two members (gpt-4o) that ended, as a delegation leaves them. */
    void delegatedAndEnded(String sessionId, String teamRunId) {
        RunResult team = withTokens(teamRun(teamRunId, sessionId, RunStatus.RUNNING), "gpt-5.2-mini", 150, 65);
        store.insertRun(team, "owner");
        for (String m : List.of("-m1", "-m2")) {
            RunResult member = withTokens(agentRun(teamRunId + m, Optional.of(teamRunId), sessionId,
                    RunStatus.RUNNING), "gpt-4o", 50, 24);
            store.insertRun(member, "owner");
            store.finishRun(finished(member, RunStatus.COMPLETED, "part"));
        }
        store.finishRun(finished(team, RunStatus.COMPLETED, "whole"));
    }

    @Nested
    class Session_token_totals {

        @Test
        void a_session_adds_up_its_ended_runs_members_included_per_model() {
            store.saveSession(teamSession("s1", T0));
            delegatedAndEnded("s1", "t1");
            delegatedAndEnded("s1", "t2");

            SessionUsage usage = usageOf("s1");

            assertThat(usage.models()).containsExactly(
                    new ModelUsage("gpt-4o", "OpenAI", tokens(200, 96)),
                    new ModelUsage("gpt-5.2-mini", "OpenAI", tokens(300, 130)));
            assertThat(usage.tokens()).isEqualTo(tokens(500, 226));
            assertThat(store.listSessions(SessionQuery.all()).items().getFirst().usage()).isEqualTo(usage);
        }

        @Test
        void a_run_counts_under_the_models_and_providers_of_its_per_model_metrics() {
            store.saveSession(teamSession("s1", T0));
            RunResult run = Runs.withModelDetails(teamRun("t1", "s1", RunStatus.RUNNING), "gpt-5.2-mini",
                    "OpenAI Responses", "40", "10");
            store.insertRun(run, "owner");
            store.finishRun(finished(Runs.withModelDetails(run, "gpt-5.2-mini", "OpenAI Responses", "100", "20",
                    "OpenAI Chat", "5", "1"), RunStatus.COMPLETED, "done"));

            assertThat(usageOf("s1").models()).containsExactly(
                    new ModelUsage("gpt-5.2-mini", "OpenAI Chat", tokens(5, 1)),
                    new ModelUsage("gpt-5.2-mini", "OpenAI Responses", tokens(100, 20)));
            assertThat(store.usageByDay(UsageQuery.all()).getFirst().models()).as("runs count by their recorded model")
                    .containsExactly(new DailyUsage.ModelRuns("gpt-5.2-mini", "OpenAI", 1));
        }

        @Test
        void a_run_in_progress_counts_only_once_it_has_ended() {
            store.saveSession(teamSession("s1", T0));
            RunResult run = withTokens(teamRun("t1", "s1", RunStatus.RUNNING), "gpt-5.2-mini", 10, 5);
            store.insertRun(run, "owner");
            store.updateRun(withTokens(run, "gpt-5.2-mini", 40, 20));
            assertThat(usageOf("s1")).isEqualTo(SessionUsage.EMPTY);

            store.finishRun(finished(withTokens(run, "gpt-5.2-mini", 90, 30), RunStatus.CANCELLED, "partial"));

            assertThat(usageOf("s1").tokens()).isEqualTo(tokens(90, 30));
        }

        @Test
        void a_terminal_write_that_lost_the_race_counts_nothing() {
            store.saveSession(teamSession("s1", T0));
            RunResult run = withTokens(teamRun("t1", "s1", RunStatus.RUNNING), "gpt-5.2-mini", 10, 5);
            store.insertRun(run, "owner");
            store.finishRun(finished(run, RunStatus.CANCELLED, "stopped"));

            boolean late = store.finishRun(finished(withTokens(run, "gpt-5.2-mini", 999, 999), RunStatus.COMPLETED,
                    "too late"));

            assertThat(late).isFalse();
            assertThat(usageOf("s1").tokens()).isEqualTo(tokens(10, 5));
        }

        @Test
        void the_sweep_counts_what_it_ended_and_the_owners_real_end_replaces_it() {
            store.saveSession(teamSession("s1", T0));
            RunResult run = withTokens(teamRun("t1", "s1", RunStatus.RUNNING), "gpt-4o", 10, 5);
            store.insertRun(run, "owner");
            clock.advance(Duration.ofMinutes(10));
            store.failOrphanedRuns(Duration.ofMinutes(1), ORPHAN_REASON);
            assertThat(usageOf("s1").models()).containsExactly(new ModelUsage("gpt-4o", "OpenAI", tokens(10, 5)));

            store.finishRun(finished(Runs.withModelDetails(run, "gpt-5.2-mini", "OpenAI Responses", "70", "30"),
                    RunStatus.COMPLETED, "done"), "owner");

            assertThat(usageOf("s1").models())
                    .containsExactly(new ModelUsage("gpt-5.2-mini", "OpenAI Responses", tokens(70, 30)));
        }

        @Test
        void a_session_without_ended_runs_has_no_usage_and_a_deleted_sessions_usage_goes_with_it() {
            store.saveSession(teamSession("s1", T0));
            assertThat(usageOf("s1")).isEqualTo(SessionUsage.EMPTY);
            delegatedAndEnded("s1", "t1");

            store.deleteSession("s1");
            store.saveSession(teamSession("s1", T0));

            assertThat(usageOf("s1")).isEqualTo(SessionUsage.EMPTY);
            assertThat(store.listSessions(SessionQuery.all()).items().getFirst().usage()).isEqualTo(SessionUsage.EMPTY);
        }
    }

    @Nested
    class Usage_by_day {

        /**
         * Day one: an agent session of ada with one ended run, and a team session of user-1 with a delegation.
         * Day two: user-1's team runs again in the same session, and ada opens a session whose run is still
         * going.
         */
        void twoDays() {
            store.saveSession(Runs.session("a1", SessionType.AGENT, "assistant", Optional.of("ada"), T0));
            RunResult solo = withTokens(agentRun("a1-r", Optional.empty(), "a1", RunStatus.RUNNING), "gpt-4o", 50, 24);
            store.insertRun(withUser(solo, "ada"), "owner");
            store.finishRun(withUser(finished(solo, RunStatus.COMPLETED, "hi"), "ada"));
            store.saveSession(Runs.session("t1", SessionType.TEAM, "research-team", Optional.of("user-1"),
                    T0.plusSeconds(60)));
            delegatedAndEnded("t1", "t1-r1");

            Instant dayTwo = T0.plus(Duration.ofDays(1));
            clock.advance(Duration.ofDays(1));
            RunResult again = startedAt(withTokens(teamRun("t1-r2", "t1", RunStatus.RUNNING), "gpt-5.2-mini", 7, 3),
                    dayTwo);
            store.insertRun(again, "owner");
            store.finishRun(finished(again, RunStatus.ERROR, ""));
            store.saveSession(Runs.session("a2", SessionType.AGENT, "assistant", Optional.of("ada"), dayTwo));
            store.insertRun(startedAt(withUser(agentRun("a2-r", Optional.empty(), "a2", RunStatus.RUNNING), "ada"),
                    dayTwo), "owner");
        }

        @Test
        void each_day_counts_the_sessions_created_and_the_runs_ended_that_day() {
            twoDays();

            List<DailyUsage> days = store.usageByDay(UsageQuery.all());

            assertThat(days).extracting(DailyUsage::date).containsExactly(DAY_ONE, DAY_ONE.plusDays(1));
            DailyUsage one = days.get(0);
            assertThat(List.of(one.agentSessions(), one.agentRuns(), one.teamSessions(), one.teamRuns(), one.users()))
                    .containsExactly(1L, 1L, 1L, 3L, 2L);
            assertThat(one.tokens()).isEqualTo(tokens(300, 137));
            assertThat(one.models()).containsExactly(new DailyUsage.ModelRuns("gpt-4o", "OpenAI", 3),
                    new DailyUsage.ModelRuns("gpt-5.2-mini", "OpenAI", 1));
            assertThat(one.firstActivity()).isEqualTo(T0);
            DailyUsage two = days.get(1);
            assertThat(List.of(two.agentSessions(), two.agentRuns(), two.teamSessions(), two.teamRuns(), two.users()))
                    .as("the session opened on day two counts; its run, still going, does not")
                    .containsExactly(1L, 0L, 0L, 1L, 1L);
            assertThat(two.tokens()).isEqualTo(tokens(7, 3));
            assertThat(two.lastActivity()).isEqualTo(T0.plus(Duration.ofDays(1)));
        }

        @Test
        void the_range_is_inclusive_and_a_user_sees_only_their_own_activity() {
            twoDays();

            assertThat(store.usageByDay(new UsageQuery(Optional.of(DAY_ONE.plusDays(1)), Optional.empty(),
                    Optional.empty()))).extracting(DailyUsage::date).containsExactly(DAY_ONE.plusDays(1));
            assertThat(store.usageByDay(new UsageQuery(Optional.empty(), Optional.of(DAY_ONE), Optional.empty())))
                    .extracting(DailyUsage::date).containsExactly(DAY_ONE);
            assertThat(store.usageByDay(new UsageQuery(Optional.of(DAY_ONE.minusDays(9)),
                    Optional.of(DAY_ONE.minusDays(1)), Optional.empty()))).isEmpty();

            List<DailyUsage> ada = store.usageByDay(new UsageQuery(Optional.empty(), Optional.empty(),
                    Optional.of("ada")));
            assertThat(ada).extracting(DailyUsage::date).containsExactly(DAY_ONE, DAY_ONE.plusDays(1));
            assertThat(List.of(ada.get(0).agentRuns(), ada.get(0).teamRuns(), ada.get(0).teamSessions(),
                    ada.get(0).users())).containsExactly(1L, 0L, 0L, 1L);
            assertThat(ada.get(0).tokens()).isEqualTo(tokens(50, 24));
            assertThat(ada.get(1).agentSessions()).isEqualTo(1);
        }

        @Test
        void a_store_without_activity_has_no_days() {
            assertThat(store.usageByDay(UsageQuery.all())).isEmpty();
            store.saveSession(teamSession("s1", T0));
            assertThat(store.usageByDay(UsageQuery.all())).singleElement()
                    .satisfies(d -> assertThat(d.teamSessions()).isEqualTo(1))
                    .satisfies(d -> assertThat(d.tokens()).isEqualTo(TokenCounts.ZERO));
        }
    }
}
