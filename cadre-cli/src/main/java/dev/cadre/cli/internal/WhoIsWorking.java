package dev.cadre.cli.internal;

import dev.cadre.event.RunEvent;
import dev.cadre.event.RunStarted;
import dev.cadre.event.TeamRunStarted;
import dev.cadre.event.TerminalEvent;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Follows a run's events to say who is working on it now — the team, or the member it delegated to (and that
 * member's member, for nested teams) — for the spinner of a blocking {@code cadre run}. Members delegated to at
 * once are shown newest first. Fed from one thread, read from the spinner's.
 */
public final class WhoIsWorking {

    private final String component;
    private final Map<String, String> running = new LinkedHashMap<>();

    public WhoIsWorking(String component) {
        this.component = component;
    }

    /** Takes the next event of the run. */
    public synchronized void accept(RunEvent event) {
        switch (event) {
            case RunStarted s -> running.put(s.runId(), s.agentName());
            case TeamRunStarted s -> running.put(s.runId(), s.teamName());
            case TerminalEvent end -> running.remove(end.runId());
            default -> { }
        }
    }

    /** "Team is working", or "Team → Researcher is working" while a member run is going. */
    public synchronized String label() {
        String newest = running.values().stream().reduce((first, second) -> second).orElse(component);
        return (newest.equals(component) ? component : component + " → " + newest) + " is working";
    }
}
