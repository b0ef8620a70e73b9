package dev.cadre.durable.internal;

/**
 * Cadre's two DBOS workflows, called through DBOS's proxy: a run, and one parallel step of a run (a tool call,
 * a member run of a broadcast). Not API: public only because DBOS makes a proxy of it.
 */
public interface CadreWorkflows {

    /** Executes run {@code runId} of component {@code componentId} to its end; returns its status. */
    String run(String componentId, String runId);

    /** Performs one parallel step of a run, described by {@code task} ({@link Tasks}); returns its value as JSON. */
    String step(String task);
}
