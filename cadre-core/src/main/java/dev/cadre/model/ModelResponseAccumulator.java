package dev.cadre.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Assembles streamed {@link ModelDelta}s into a {@link ModelResponse}: joins text, joins tool-call
 * fragments by index, adds up usage.
 *
 * <p>Thread-safe. Once {@link #seal() sealed} it ignores further deltas, which lets a cancelled run
 * take a consistent snapshot of the partial answer while the model thread may still be delivering.
 */
public final class ModelResponseAccumulator implements Consumer<ModelDelta> {

    private final StringBuilder text = new StringBuilder();
    private final StringBuilder reasoning = new StringBuilder();
    private final TreeMap<Integer, PendingCall> calls = new TreeMap<>();
    private Usage usage = Usage.NONE;
    private final Map<String, String> providerData = new LinkedHashMap<>();
    private boolean sealed;

    /** Adds a delta; returns {@code false} (and drops it) when the accumulator is sealed. */
    public synchronized boolean add(ModelDelta delta) {
        if (sealed) {
            return false;
        }
        switch (delta) {
            case ModelDelta.Text t -> text.append(t.text());
            case ModelDelta.Reasoning r -> reasoning.append(r.text());
            case ModelDelta.ToolCallFragment f -> {
                PendingCall call = calls.computeIfAbsent(f.index(), i -> new PendingCall());
                f.id().filter(s -> !s.isEmpty()).ifPresent(id -> call.id = id);
                f.name().filter(s -> !s.isEmpty()).ifPresent(name -> call.name = name);
                call.arguments.append(f.argumentsDelta());
            }
            case ModelDelta.UsageReport u -> usage = usage.plus(u.usage());
            case ModelDelta.ProviderData p -> providerData.putAll(p.data());
        }
        return true;
    }

    @Override
    public void accept(ModelDelta delta) {
        add(delta);
    }

    /** Stops accepting deltas. */
    public synchronized void seal() {
        sealed = true;
    }

    /** The text received so far. */
    public synchronized String text() {
        return text.toString();
    }

    /** The reasoning received so far; empty when none. */
    public synchronized String reasoning() {
        return reasoning.toString();
    }

    /** What the provider said about the response so far (its id, say); empty when nothing. */
    public synchronized Map<String, String> providerData() {
        return ModelResponse.copyProviderData(providerData);
    }

    /**
     * The turn assembled from what was received. Tool calls without an id get a generated one;
     * calls without a name are dropped (a stream that was cut off before naming the function).
     */
    public synchronized ModelResponse response() {
        List<ToolCall> toolCalls = new ArrayList<>();
        for (var e : calls.entrySet()) {
            PendingCall c = e.getValue();
            if (c.name == null) {
                continue;
            }
            String id = Optional.ofNullable(c.id).orElse("call_" + e.getKey());
            String args = c.arguments.isEmpty() ? "{}" : c.arguments.toString();
            toolCalls.add(new ToolCall(id, c.name, args));
        }
        return new ModelResponse(text.toString(), toolCalls, usage, providerData, reasoning.toString());
    }

    private static final class PendingCall {
        String id;
        String name;
        final StringBuilder arguments = new StringBuilder();
    }
}
