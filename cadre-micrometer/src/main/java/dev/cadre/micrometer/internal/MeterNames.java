package dev.cadre.micrometer.internal;

/** The names of Cadre's meters and their tag keys, in Micrometer's dotted style (registries rename them). */
public final class MeterNames {

    public static final String RUNS_STARTED = "cadre.runs.started";
    public static final String RUNS_ENDED = "cadre.runs.ended";
    public static final String RUN_DURATION = "cadre.run.duration";
    public static final String MODEL_REQUESTS = "cadre.model.requests";
    public static final String MODEL_REQUEST_DURATION = "cadre.model.request.duration";
    public static final String TIME_TO_FIRST_TOKEN = "cadre.model.time_to_first_token";
    public static final String TOKENS = "cadre.tokens";
    public static final String TOOL_CALLS = "cadre.tool.calls";
    public static final String DELEGATIONS = "cadre.delegations";
    public static final String CANCEL_LATENCY = "cadre.cancel.latency";
    public static final String RUNS_IN_FLIGHT = "cadre.runs.in_flight";
    public static final String RUNS_QUEUED = "cadre.runs.queued";

    public static final String COMPONENT = "component";
    public static final String TEAM = "team";
    public static final String STATUS = "status";
    public static final String MODEL = "model";
    public static final String PROVIDER = "provider";
    public static final String OUTCOME = "outcome";
    public static final String TYPE = "type";
    public static final String TOOL = "tool";
    public static final String MEMBER = "member";

    private MeterNames() {
    }
}
