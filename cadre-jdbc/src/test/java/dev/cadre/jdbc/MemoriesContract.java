package dev.cadre.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.db.Page;
import dev.cadre.memory.MemoryOrder;
import dev.cadre.memory.MemoryQuery;
import dev.cadre.memory.MemoryStats;
import dev.cadre.memory.MemoryStore;
import dev.cadre.memory.UserMemory;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** What every store promises about user memories ({@link dev.cadre.db.Db#memories()}). */
abstract class MemoriesContract extends CancelRequestsContract {

    MemoryStore memories() {
        return store.memories().orElseThrow();
    }

    UserMemory write(String user, String text, String... topics) {
        UserMemory m = memories().upsert(UserMemory.of(user, text, List.of(topics))).orElseThrow();
        clock.advance(Duration.ofSeconds(1));
        return m;
    }

    @Nested
    class Memories {

        @Test
        void a_memory_is_kept_as_written_with_the_stores_times() {
            UserMemory m = UserMemory.of("ada", "User's name is Ada", List.of("name", "identity"))
                    .from(Optional.of("helper"), Optional.empty(), Optional.of("My name is Ada"));

            UserMemory stored = memories().upsert(m).orElseThrow();

            assertThat(stored.createdAt()).isEqualTo(clock.instant()).isEqualTo(stored.updatedAt());
            assertThat(memories().get(m.memoryId(), Optional.empty())).contains(stored);
            assertThat(stored.memory()).isEqualTo("User's name is Ada");
            assertThat(stored.topics()).containsExactly("name", "identity");
            assertThat(stored.agentId()).contains("helper");
            assertThat(stored.teamId()).isEmpty();
            assertThat(stored.input()).contains("My name is Ada");
            assertThat(memories().get(m.memoryId(), Optional.of("bob"))).as("another user's").isEmpty();
            assertThat(memories().get("nope", Optional.empty())).isEmpty();
        }

        @Test
        void an_update_keeps_the_creation_time_and_never_takes_another_users_memory() {
            UserMemory m = write("ada", "User likes tea");
            clock.advance(Duration.ofMinutes(1));

            UserMemory updated = memories().upsert(m.withMemory("User likes green tea", List.of("drinks")))
                    .orElseThrow();

            assertThat(updated.createdAt()).isEqualTo(m.createdAt());
            assertThat(updated.updatedAt()).isEqualTo(clock.instant());
            assertThat(updated.topics()).containsExactly("drinks");
            UserMemory stolen = new UserMemory(m.memoryId(), "Bob's now", List.of(), "bob", Optional.empty(),
                    Optional.empty(), Optional.empty(), m.createdAt(), m.updatedAt());
            assertThat(memories().upsert(stolen)).isEmpty();
            assertThat(memories().get(m.memoryId(), Optional.empty()).orElseThrow().memory())
                    .isEqualTo("User likes green tea");
        }

        @Test
        void unstorable_memories_are_refused_naming_what_is_wrong() {
            assertThatThrownBy(() -> memories().upsert(UserMemory.of("ada", " ", List.of())))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("memory must not be empty");
            assertThatThrownBy(() -> memories().upsert(UserMemory.of("ada", "a\u0000b", List.of())))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NUL");
            assertThatThrownBy(() -> memories().upsert(UserMemory.of("", "x", List.of())))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("user id");
        }

        @Test
        void a_users_memories_come_oldest_first() {
            UserMemory first = write("ada", "one");
            UserMemory second = write("ada", "two");
            write("bob", "three");
            memories().upsert(first.withMemory("one, updated", List.of()));

            assertThat(memories().ofUser("ada")).extracting(UserMemory::memoryId)
                    .containsExactly(first.memoryId(), second.memoryId());
            assertThat(memories().ofUser("nobody")).isEmpty();
        }

        @Test
        void listings_filter_by_user_component_topics_and_content_case_blind() {
            UserMemory tea = write("ada", "User likes TEA", "drinks", "likes");
            write("ada", "User likes coffee", "drinks");
            UserMemory team = memories().upsert(UserMemory.of("bob", "User is 50% done", List.of("work"))
                    .from(Optional.empty(), Optional.of("desk"), Optional.empty())).orElseThrow();
            memories().upsert(UserMemory.of("bob", "User is 50 done", List.of("work"))
                    .from(Optional.of("helper"), Optional.empty(), Optional.empty()));

            assertThat(texts(MemoryQuery.all().withUserId("ada"))).containsExactlyInAnyOrder("User likes TEA",
                    "User likes coffee");
            assertThat(texts(MemoryQuery.all().withTopics(List.of("drinks", "likes")))).containsExactly(tea.memory());
            assertThat(texts(MemoryQuery.all().withTopics(List.of("drink")))).as("whole topics only").isEmpty();
            assertThat(texts(MemoryQuery.all().withContentContaining("tea"))).containsExactly(tea.memory());
            assertThat(texts(MemoryQuery.all().withContentContaining("50%"))).as("% is no wildcard")
                    .containsExactly(team.memory());
            assertThat(texts(MemoryQuery.all().withTeamId("desk"))).containsExactly(team.memory());
            assertThat(texts(MemoryQuery.all().withAgentId("helper"))).containsExactly("User is 50 done");
        }

        @Test
        void listings_sort_both_ways_and_page_without_repeats() {
            UserMemory b = write("ada", "b");
            UserMemory a = write("ada", "a");
            UserMemory c = write("ada", "c");

            assertThat(ids(MemoryQuery.all())).as("last updated first by default")
                    .containsExactly(c.memoryId(), a.memoryId(), b.memoryId());
            assertThat(texts(MemoryQuery.all().withOrder(new MemoryOrder(MemoryOrder.Key.MEMORY, true))))
                    .containsExactly("a", "b", "c");
            assertThat(texts(MemoryQuery.all().withOrder(new MemoryOrder(MemoryOrder.Key.CREATED_AT, true))))
                    .containsExactly("b", "a", "c");
            Page<UserMemory> second = memories().list(MemoryQuery.all().withPage(2, 2));
            assertThat(second.items()).extracting(UserMemory::memoryId).containsExactly(b.memoryId());
            assertThat(second.total()).isEqualTo(3);
            assertThat(second.totalPages()).isEqualTo(2);
        }

        @Test
        void equal_keys_are_ordered_by_id_so_pages_never_repeat() {
            for (int i = 0; i < 5; i++) {
                memories().upsert(UserMemory.of("ada", "same time " + i, List.of()));
            }
            List<String> all = ids(MemoryQuery.all().withPage(1, 5));
            List<String> paged = new java.util.ArrayList<>();
            for (int p = 1; p <= 3; p++) {
                paged.addAll(ids(MemoryQuery.all().withPage(p, 2)));
            }
            assertThat(paged).containsExactlyElementsOf(all);
            List<String> ascending = ids(MemoryQuery.all().withOrder(new MemoryOrder(MemoryOrder.Key.UPDATED_AT, true))
                    .withPage(1, 5));
            assertThat(ascending).containsExactlyElementsOf(all.reversed());
        }

        @Test
        void deleting_one_or_many_respects_the_owner() {
            UserMemory one = write("ada", "one");
            UserMemory two = write("ada", "two");
            UserMemory bobs = write("bob", "three");

            assertThat(memories().delete(bobs.memoryId(), Optional.of("ada"))).isFalse();
            assertThat(memories().delete(one.memoryId(), Optional.of("ada"))).isTrue();
            assertThat(memories().delete(one.memoryId(), Optional.empty())).as("gone already").isFalse();
            assertThat(memories().delete(List.of(two.memoryId(), bobs.memoryId(), "nope"), Optional.of("ada")))
                    .isEqualTo(1);
            assertThat(memories().delete(List.of(bobs.memoryId()), Optional.empty())).isEqualTo(1);
            assertThat(memories().list(MemoryQuery.all()).total()).isZero();
            assertThat(memories().delete(List.of(), Optional.empty())).isZero();
        }

        @Test
        void topics_are_listed_once_in_order_per_owner() {
            write("ada", "x", "name", "drinks");
            write("ada", "y", "drinks");
            write("bob", "z", "work");

            assertThat(memories().topics(Optional.empty())).containsExactly("drinks", "name", "work");
            assertThat(memories().topics(Optional.of("ada"))).containsExactly("drinks", "name");
            assertThat(memories().topics(Optional.of("nobody"))).isEmpty();
        }

        @Test
        void user_stats_count_per_user_last_updated_first() {
            write("ada", "one");
            write("bob", "two");
            write("bob", "three");
            write("ada", "four");

            Page<MemoryStats> all = memories().userStats(Optional.empty(), 1, 20);
            assertThat(all.items()).extracting(MemoryStats::userId, MemoryStats::totalMemories)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("ada", 2L),
                            org.assertj.core.groups.Tuple.tuple("bob", 2L));
            assertThat(all.items().getFirst().lastMemoryUpdatedAt()).isEqualTo(clock.instant().minusSeconds(1));
            assertThat(memories().userStats(Optional.of("bob"), 1, 20).items()).singleElement()
                    .extracting(MemoryStats::userId).isEqualTo("bob");
            Page<MemoryStats> second = memories().userStats(Optional.empty(), 2, 1);
            assertThat(second.items()).extracting(MemoryStats::userId).containsExactly("bob");
            assertThat(second.total()).isEqualTo(2);
        }

        private List<String> texts(MemoryQuery q) {
            return memories().list(q).items().stream().map(UserMemory::memory).toList();
        }

        private List<String> ids(MemoryQuery q) {
            return memories().list(q).items().stream().map(UserMemory::memoryId).toList();
        }
    }
}
