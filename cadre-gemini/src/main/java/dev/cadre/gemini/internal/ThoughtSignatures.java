package dev.cadre.gemini.internal;

import dev.cadre.model.ToolCall;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The thought signatures Gemini put on its function calls, kept until the calls are sent back in the next
 * turn (Gemini 3 rejects a function call sent back without its signature). Cadre's {@code Message} has no
 * place for them, so they live here, in memory, keyed by the call's id and by its name and arguments.
 *
 * <p>Bounded: the least recently used entries beyond the capacity are dropped. Consequences: a conversation
 * continued in another process, after a restart, or after many other calls sends its old function calls
 * without signatures. Thread-safe.
 */
public final class ThoughtSignatures {

    private record Signed(String content, byte[] signature) {
    }

    /** By call id, least recently used first. */
    private final Map<String, Signed> byId;

    public ThoughtSignatures(int capacity) {
        this.byId = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Signed> eldest) {
                return size() > capacity;
            }
        };
    }

    public synchronized void remember(ToolCall call, byte[] signature) {
        byId.put(call.id(), new Signed(content(call), signature.clone()));
    }

    /** The signature of {@code call}: by its id, else by its name and arguments (the call under another id). */
    public synchronized Optional<byte[]> recall(ToolCall call) {
        Signed e = byId.get(call.id());
        if (e == null) {
            String content = content(call);
            // A linear search, but only for calls whose id is unknown, over at most the capacity.
            Optional<String> id = byId.entrySet().stream().filter(x -> x.getValue().content().equals(content))
                    .map(Map.Entry::getKey).reduce((first, later) -> later);
            e = id.map(byId::get).orElse(null);
        }
        return Optional.ofNullable(e).map(x -> x.signature().clone());
    }

    public synchronized int size() {
        return byId.size();
    }

    private static String content(ToolCall call) {
        return call.name() + "\u0000" + Json.canonical(call.arguments());
    }
}
