package dev.cadre.opentelemetry.internal;

import io.opentelemetry.api.trace.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The open spans of one run: its own, its model request's, its tool calls' and its delegations'. Every span is
 * taken out before it is ended, by an atomic remove, so a span ends exactly once even when the run's end and a
 * late callback (a parallel tool, a cancel) race for it.
 */
final class RunSpans {

    final Span run;
    private final AtomicReference<Span> model = new AtomicReference<>();
    private final Map<String, Span> tools = new ConcurrentHashMap<>();
    private final Map<String, Span> delegations = new ConcurrentHashMap<>();

    RunSpans(Span run) {
        this.run = run;
    }

    void openModel(Span span) {
        Span previous = model.getAndSet(span);
        if (previous != null) { // a request that never reported its end: do not leave it open
            previous.end();
        }
    }

    Optional<Span> takeModel() {
        return Optional.ofNullable(model.getAndSet(null));
    }

    void openTool(String callId, Span span) {
        tools.put(callId, span);
    }

    Optional<Span> takeTool(String callId) {
        return Optional.ofNullable(tools.remove(callId));
    }

    void openDelegation(String memberRunId, Span span) {
        delegations.put(memberRunId, span);
    }

    Optional<Span> delegation(String memberRunId) {
        return Optional.ofNullable(delegations.get(memberRunId));
    }

    Optional<Span> takeDelegation(String memberRunId) {
        return Optional.ofNullable(delegations.remove(memberRunId));
    }

    /** Takes every span still open below the run, for the run's end. */
    List<Span> takeRest() {
        List<Span> rest = new ArrayList<>();
        takeModel().ifPresent(rest::add);
        for (String id : List.copyOf(tools.keySet())) {
            takeTool(id).ifPresent(rest::add);
        }
        for (String id : List.copyOf(delegations.keySet())) {
            takeDelegation(id).ifPresent(rest::add);
        }
        return rest;
    }
}
