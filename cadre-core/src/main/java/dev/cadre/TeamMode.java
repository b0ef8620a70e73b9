package dev.cadre;

/** How a team's leader uses its members. */
public enum TeamMode {
    /**
     * The leader delegates tasks to the members it chooses, as many times as it likes, then writes
     * the answer from their results. The default.
     */
    COORDINATE,
    /** The leader picks one member; that member's answer is the team's answer, as is. */
    ROUTE,
    /** The leader gives the task to all members at once (they run concurrently), then answers. */
    BROADCAST
}
