package dev.cadre.anthropic.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.ThinkingBlockParam;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The thinking map is bounded: the least recently used turns go first, and nothing is kept for no thinking. */
class ThinkingCacheTest {

    private static List<ContentBlockParam> thought(String text) {
        return List.of(ContentBlockParam.ofThinking(
                ThinkingBlockParam.builder().thinking(text).signature("s").build()));
    }

    @Test
    void everyToolCallOfATurnFindsItsThinking() {
        ThinkingCache cache = new ThinkingCache(10);

        cache.remember(List.of("toolu_a", "toolu_b"), thought("both"));

        assertThat(cache.recall("toolu_a")).isEqualTo(cache.recall("toolu_b")).isPresent();
        assertThat(cache.recall("toolu_c")).isEmpty();
    }

    @Test
    void theLeastRecentlyUsedEntriesAreDroppedBeyondTheCapacity() {
        ThinkingCache cache = new ThinkingCache(2);
        cache.remember(List.of("one"), thought("1"));
        cache.remember(List.of("two"), thought("2"));
        cache.recall("one");

        cache.remember(List.of("three"), thought("3"));

        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.recall("two")).as("the least recently used").isEmpty();
        assertThat(cache.recall("one")).isPresent();
        assertThat(cache.recall("three")).isPresent();
    }

    @Test
    void aTurnWithoutThinkingLeavesNothing() {
        ThinkingCache cache = new ThinkingCache(2);

        cache.remember(List.of("toolu_a"), List.of());

        assertThat(cache.size()).isZero();
    }
}
