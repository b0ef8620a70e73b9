package dev.cadre.internal;

import dev.cadre.event.RunEvent;

/** Where a run's events go while it runs. Thread-safe: the model and tool threads emit too. */
@FunctionalInterface
public interface EventSink {

    EventSink NONE = e -> { };

    void emit(RunEvent event);

    /** Whether anyone reads the events; when nobody does, content events are not even made. */
    default boolean isLive() {
        return this != NONE;
    }
}
