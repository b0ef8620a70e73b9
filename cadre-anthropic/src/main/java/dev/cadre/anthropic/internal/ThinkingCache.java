package dev.cadre.anthropic.internal;

import com.anthropic.models.messages.ContentBlockParam;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The thinking blocks (with their signatures) of recent assistant turns that called tools, by tool_use id.
 * Not public API.
 *
 * <p>Why: with extended thinking on, Anthropic wants the assistant turn that called a tool sent back with
 * its thinking blocks, unchanged, when the conversation goes on after the tool results. Cadre's
 * {@code Message} has no place for them, so the model keeps them here between the two calls of one tool
 * round trip. The map is bounded (least recently used entries go first) and lives in memory only: a run
 * resumed in another process, or an entry pushed out, finds nothing, and that continuation is then sent
 * without extended thinking instead of failing.
 *
 * <p>Thread-safe.
 */
public final class ThinkingCache {

    private final Map<String, List<ContentBlockParam>> byToolUseId;

    public ThinkingCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1");
        }
        this.byToolUseId = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, List<ContentBlockParam>> eldest) {
                return size() > capacity;
            }
        };
    }

    /** Keeps {@code thinking} for the turn that made these tool calls; nothing when either is empty. */
    public synchronized void remember(List<String> toolUseIds, List<ContentBlockParam> thinking) {
        if (thinking.isEmpty()) {
            return;
        }
        List<ContentBlockParam> blocks = List.copyOf(thinking);
        for (String id : toolUseIds) {
            byToolUseId.put(id, blocks);
        }
    }

    /** The thinking blocks of the turn that made the tool call {@code toolUseId}, if still known. */
    public synchronized Optional<List<ContentBlockParam>> recall(String toolUseId) {
        return Optional.ofNullable(byToolUseId.get(toolUseId));
    }

    synchronized int size() {
        return byToolUseId.size();
    }
}
