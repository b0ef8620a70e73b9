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

    private final Map<String, byte[]> signatures;

    public ThoughtSignatures(int capacity) {
        // Two keys per call.
        int max = Math.max(2, capacity * 2);
        this.signatures = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
                return size() > max;
            }
        };
    }

    public synchronized void remember(ToolCall call, byte[] signature) {
        signatures.put(byId(call.id()), signature.clone());
        signatures.put(byContent(call), signature.clone());
    }

    /** The signature of {@code call}: by its id, else by its name and arguments. */
    public synchronized Optional<byte[]> recall(ToolCall call) {
        byte[] s = signatures.get(byId(call.id()));
        if (s == null) {
            s = signatures.get(byContent(call));
        }
        return Optional.ofNullable(s).map(byte[]::clone);
    }

    public synchronized int size() {
        return signatures.size() / 2;
    }

    private static String byId(String id) {
        return "id\u0000" + id;
    }

    private static String byContent(ToolCall call) {
        return "fn\u0000" + call.name() + "\u0000" + Json.canonical(call.arguments());
    }
}
