package dev.cadre.jdbc;

import static dev.cadre.jdbc.Runs.T0;
import static dev.cadre.jdbc.Runs.teamRun;
import static dev.cadre.jdbc.Runs.teamSession;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cadre.run.RunStatus;
import dev.cadre.db.SessionOrder;
import dev.cadre.db.SessionQuery;
import dev.cadre.db.SessionRecord;
import dev.cadre.db.SessionType;
import dev.cadre.db.SessionUpdate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * What every store promises about listing sessions in order and by name, and about creating, updating and
 * deleting them in bulk. Part of {@link DbContract}.
 */
abstract class SessionsContract extends DbContractBase {

    static final SessionOrder OLDEST_FIRST = new SessionOrder(SessionOrder.Key.CREATED_AT, true);
    static final SessionOrder LAST_UPDATED_FIRST = new SessionOrder(SessionOrder.Key.UPDATED_AT, false);

    static ObjectNode object(String key, String value) {
        return JsonNodeFactory.instance.objectNode().put(key, value);
    }

    List<String> ids(SessionQuery q) {
        return store.listSessions(q).items().stream().map(SessionRecord::sessionId).toList();
    }

    /** Every session of the listing in {@code order}, read page by page. */
    List<String> paged(SessionOrder order, int limit) {
        List<String> all = new ArrayList<>();
        for (int page = 1; ; page++) {
            List<String> ids = ids(SessionQuery.all().withOrder(order).withPage(page, limit));
            if (ids.isEmpty()) {
                return all;
            }
            all.addAll(ids);
        }
    }

    void named(String sessionId, String name, int second) {
        store.saveSession(teamSession(sessionId, T0.plusSeconds(second)).withName(name));
    }

    @Nested
    class Listing_order_and_names {

        @Test
        void oldest_first_is_newest_first_reversed_ties_included() {
            for (int i = 0; i < 9; i++) {
                store.saveSession(teamSession("s" + i, T0.plusSeconds(i / 3)));
            }

            List<String> newest = ids(SessionQuery.all());
            List<String> oldest = ids(SessionQuery.all().withOrder(OLDEST_FIRST));

            assertThat(newest).containsExactly("s6", "s7", "s8", "s3", "s4", "s5", "s0", "s1", "s2");
            assertThat(oldest).containsExactlyElementsOf(newest.reversed());
        }

        @Test
        void paging_through_equal_times_never_repeats_or_skips_a_session() {
            for (int i = 0; i < 25; i++) {
                store.saveSession(teamSession("s" + (char) ('a' + i), T0.plusSeconds(i % 5)));
            }

            for (SessionOrder order : List.of(SessionOrder.NEWEST_FIRST, OLDEST_FIRST, LAST_UPDATED_FIRST)) {
                List<String> paged = paged(order, 4);
                assertThat(paged).as(order.toString()).hasSize(25).doesNotHaveDuplicates()
                        .containsExactlyElementsOf(ids(SessionQuery.all().withOrder(order).withPage(1, 100)));
            }
        }

        @Test
        void sessions_order_by_their_last_update_when_asked() {
            store.saveSession(teamSession("older", T0));
            store.saveSession(teamSession("newer", T0.plusSeconds(1)));
            store.insertRun(teamRun("r1", "older", RunStatus.RUNNING), "owner");
            clock.advance(Duration.ofMinutes(5));
            store.finishRun(Runs.finished(teamRun("r1", "older", RunStatus.RUNNING), RunStatus.COMPLETED, "done"));

            assertThat(ids(SessionQuery.all())).containsExactly("newer", "older");
            assertThat(ids(SessionQuery.all().withOrder(LAST_UPDATED_FIRST))).containsExactly("older", "newer");
            assertThat(ids(SessionQuery.all().withOrder(new SessionOrder(SessionOrder.Key.UPDATED_AT, true))))
                    .containsExactly("newer", "older");
        }

        @Test
        void the_name_filter_is_a_case_blind_substring_of_the_given_name() {
            named("q", "Quarterly Report", 0);
            named("b", "quarterly budget", 1);
            named("a", "Annual REPORT", 2);
            store.saveSession(teamSession("unnamed", T0.plusSeconds(3)));
            store.insertRun(withInput(teamRun("r1", "unnamed", RunStatus.RUNNING), "a report please"), "owner");

            assertThat(ids(SessionQuery.all().withNameContaining("report"))).containsExactly("a", "q");
            assertThat(ids(SessionQuery.all().withNameContaining("QUARTERLY"))).containsExactly("b", "q");
            assertThat(store.listSessions(SessionQuery.all().withNameContaining("report").withPage(1, 1)).total())
                    .isEqualTo(2);
            assertThat(ids(SessionQuery.all().withNameContaining("nothing like it"))).isEmpty();
        }

        @Test
        void wildcards_in_the_name_filter_are_plain_characters() {
            named("pct", "50% off", 0);
            named("digits", "500 off", 1);
            named("under", "a_b", 2);
            named("plain", "axb", 3);
            named("bang", "wow!", 4);

            assertThat(ids(SessionQuery.all().withNameContaining("50%"))).containsExactly("pct");
            assertThat(ids(SessionQuery.all().withNameContaining("a_b"))).containsExactly("under");
            assertThat(ids(SessionQuery.all().withNameContaining("!"))).containsExactly("bang");
        }

        @Test
        void names_fold_the_same_beyond_ascii_on_every_store() {
            named("e", "Été à Paris", 0);
            store.saveSession(teamSession("r", T0.plusSeconds(1)));
            store.renameSession("r", "ÉTÉ EN PROVENCE");

            assertThat(ids(SessionQuery.all().withNameContaining("été"))).containsExactly("r", "e");
        }

        @Test
        void the_name_filter_combines_with_the_other_filters() {
            store.saveSession(Runs.session("t", SessionType.TEAM, "team-a", Optional.of("u1"), T0).withName("Plan"));
            store.saveSession(Runs.session("g", SessionType.AGENT, "agent-a", Optional.of("u1"), T0).withName("Plan"));

            assertThat(ids(SessionQuery.all().withNameContaining("plan").withType(SessionType.AGENT)))
                    .containsExactly("g");
            assertThat(ids(SessionQuery.all().withNameContaining("plan").withUserId("u2"))).isEmpty();
        }
    }

    @Nested
    class Creating_updating_and_deleting {

        SessionRecord fresh(String id) {
            return new SessionRecord(id, SessionType.AGENT, "assistant", Optional.of("ada"), Optional.of("Notes"), T0,
                    T0).withSessionState(object("step", "one")).withMetadata(Optional.of(object("source", "api")));
        }

        @Test
        void a_created_session_keeps_its_name_state_and_metadata() {
            assertThat(store.createSession(fresh("s1"))).isTrue();

            SessionRecord read = store.getSession("s1").orElseThrow();
            assertThat(read).isEqualTo(fresh("s1"));
            assertThat(read.sessionState()).isEqualTo(object("step", "one"));
            assertThat(store.listSessions(SessionQuery.all().withNameContaining("note")).items()).containsExactly(read);
        }

        @Test
        void creating_a_session_that_exists_changes_nothing() {
            store.saveSession(teamSession("s1", T0));
            store.insertRun(teamRun("r1", "s1", RunStatus.RUNNING), "owner");

            assertThat(store.createSession(fresh("s1"))).isFalse();

            SessionRecord kept = store.getSession("s1").orElseThrow();
            assertThat(kept.type()).isEqualTo(SessionType.TEAM);
            assertThat(kept.name()).isEmpty();
            assertThat(kept.sessionState()).isEmpty();
            assertThat(store.listRuns("s1")).hasSize(1);
        }

        @Test
        void a_session_has_an_empty_state_and_no_metadata_or_summary_until_given() {
            store.saveSession(teamSession("s1", T0));

            SessionRecord s = store.getSession("s1").orElseThrow();
            assertThat(s.sessionState()).isEmpty();
            assertThat(s.metadata()).isEmpty();
            assertThat(s.summary()).isEmpty();
        }

        @Test
        void an_update_replaces_what_it_carries_keeps_the_rest_and_moves_updated_at() {
            store.createSession(fresh("s1"));
            clock.advance(Duration.ofSeconds(30));

            SessionRecord renamed = store.updateSession("s1", new SessionUpdate(Optional.of("Renamed"),
                    Optional.empty(), Optional.empty(), Optional.empty())).orElseThrow();
            SessionRecord restated = store.updateSession("s1", new SessionUpdate(Optional.empty(),
                    Optional.of(object("step", "two")), Optional.of(object("source", "ui")),
                    Optional.of(object("summary", "All about steps")))).orElseThrow();

            assertThat(renamed.name()).contains("Renamed");
            assertThat(renamed.sessionState()).isEqualTo(object("step", "one"));
            assertThat(renamed.updatedAt()).isEqualTo(clock.instant());
            assertThat(restated.name()).contains("Renamed");
            assertThat(restated.sessionState()).isEqualTo(object("step", "two"));
            assertThat(restated.metadata()).contains(object("source", "ui"));
            assertThat(restated.summary()).contains(object("summary", "All about steps"));
            assertThat(store.getSession("s1")).contains(restated);
            assertThat(ids(SessionQuery.all().withNameContaining("renamed"))).containsExactly("s1");
        }

        @Test
        void updating_an_unknown_session_finds_nothing() {
            assertThat(store.updateSession("nope", SessionUpdate.NOTHING)).isEmpty();
            assertThat(store.getSession("nope")).isEmpty();
        }

        @Test
        void a_run_saving_its_session_again_keeps_what_was_set() {
            store.createSession(fresh("s1"));

            store.saveSession(new SessionRecord("s1", SessionType.AGENT, "assistant", Optional.of("ada"),
                    Optional.empty(), T0, T0.plusSeconds(9)));

            SessionRecord s = store.getSession("s1").orElseThrow();
            assertThat(s.name()).contains("Notes");
            assertThat(s.sessionState()).isEqualTo(object("step", "one"));
            assertThat(s.metadata()).contains(object("source", "api"));
        }

        @Test
        void a_nul_in_a_name_state_or_metadata_is_refused_and_nothing_is_written() {
            ObjectNode bad = object("k", "a\u0000b");

            assertThatThrownBy(() -> store.createSession(fresh("s1").withSessionState(bad)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NUL");
            assertThat(store.getSession("s1")).isEmpty();
            store.createSession(fresh("s1"));
            assertThatThrownBy(() -> store.updateSession("s1", new SessionUpdate(Optional.empty(), Optional.empty(),
                    Optional.of(bad), Optional.empty()))).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.updateSession("s1", new SessionUpdate(Optional.of("x\u0000"),
                    Optional.empty(), Optional.empty(), Optional.empty()))).isInstanceOf(IllegalArgumentException.class);
            assertThat(store.getSession("s1")).contains(fresh("s1"));
        }

        @Test
        void a_bulk_delete_removes_the_listed_sessions_with_their_runs_and_skips_unknown_ids() {
            for (String id : List.of("a", "b", "c")) {
                store.saveSession(teamSession(id, T0));
                store.insertRun(teamRun("r-" + id, id, RunStatus.RUNNING), "owner");
            }

            assertThat(store.deleteSessions(List.of("a", "c", "nope", "a"), Optional.empty())).isEqualTo(2);

            assertThat(ids(SessionQuery.all())).containsExactly("b");
            assertThat(store.getRun("r-a")).isEmpty();
            assertThat(store.getRun("r-b")).isPresent();
            assertThat(store.deleteSessions(List.of(), Optional.empty())).isZero();
        }

        @Test
        void a_bulk_delete_for_one_user_leaves_other_users_sessions_alone() {
            store.saveSession(Runs.session("mine", SessionType.TEAM, "t", Optional.of("ada"), T0));
            store.saveSession(Runs.session("theirs", SessionType.TEAM, "t", Optional.of("bob"), T0));
            store.saveSession(Runs.session("nobodys", SessionType.TEAM, "t", Optional.empty(), T0));

            assertThat(store.deleteSessions(List.of("mine", "theirs", "nobodys"), Optional.of("ada"))).isEqualTo(1);

            assertThat(new HashSet<>(ids(SessionQuery.all()))).containsExactlyInAnyOrder("theirs", "nobodys");
        }

        @Test
        void a_bulk_delete_of_many_sessions_is_one_call() {
            List<String> all = new ArrayList<>();
            for (int i = 0; i < 1_200; i++) {
                all.add("s" + i);
                store.saveSession(teamSession("s" + i, T0));
            }

            assertThat(store.deleteSessions(all, Optional.empty())).isEqualTo(1_200);
            assertThat(store.listSessions(SessionQuery.all()).total()).isZero();
        }
    }
}
