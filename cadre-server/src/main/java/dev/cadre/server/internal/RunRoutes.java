package dev.cadre.server.internal;

import dev.cadre.RunManager;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cadre.Component;
import dev.cadre.Team;
import dev.cadre.json.CadreJson;
import dev.cadre.run.CancelResult;
import dev.cadre.model.OutputSchema;
import dev.cadre.run.RunRequest;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.run.RunStream;
import dev.cadre.db.SessionRecord;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * The run routes: start (streamed, blocking, background, resumable), get, cancel and resume, under
 * {@code /agents/{id}} and {@code /teams/{id}}, and by run id alone under {@code /runs/{run_id}}. Each acts only
 * on runs of the component in its path, and — under user isolation — only on the caller's own runs.
 */
final class RunRoutes {

    private final ServerSettings settings;
    private final SseWriter sse;
    final ResumableRuns resumable = new ResumableRuns();
    private final BooleanSupplier stopping;
    /** Runs this server started and that may still run: run id → component, for a shutdown without a run manager. */
    final Map<String, Component<?>> ownRuns = new ConcurrentHashMap<>();

    RunRoutes(ServerSettings settings, SseWriter sse, BooleanSupplier stopping) {
        this.settings = settings;
        this.sse = sse;
        this.stopping = stopping;
    }

    static String kind(Component<?> c) {
        return c instanceof Team ? "team" : "agent";
    }

    private static String errorEvent(Component<?> c) {
        return c instanceof Team ? "TeamRunError" : "RunError";
    }

    // ---- starting ----------------------------------------------------------------------------------

    void create(Context ctx, Component<?> c) throws IOException {
        Forms.parse(ctx, settings.requestTimeout());
        String message = Forms.required(ctx, "message");
        boolean stream = Forms.bool(ctx, "stream", true);
        boolean background = Forms.bool(ctx, "background", false);
        boolean streamEvents = Forms.bool(ctx, "stream_events", true);
        Optional<String> sessionId = Access.runSession(ctx, Forms.optionalId(ctx, "session_id"));
        Optional<String> userId = Access.runUser(ctx, Forms.optionalId(ctx, "user_id"));
        Optional<String> runId = Forms.optionalId(ctx, "run_id");
        Optional<OutputSchema> outputSchema = OutputSchemas.fromForm(ctx);
        Connections.arrived(ctx); // the whole request is in: the run may now take as long as it needs

        if (stopping.getAsBoolean()) {
            throw new ApiException(503, "Cadre is shutting down: it accepts no new runs");
        }
        if (background && c.db().isEmpty()) {
            throw new ApiException(400, "Background execution requires a database to be configured on the " + kind(c));
        }
        if (runId.isPresent() && settings.db().getRun(runId.get()).isPresent()) {
            throw new ApiException(409, "A run with id " + runId.get() + " already exists; run ids must be unique");
        }
        sessionId.ifPresent(sid -> checkSession(ctx, sid, c));
        if (outputSchema.isPresent() && settings.execution() instanceof Execution.Durable) {
            throw new ApiException(400, "output_schema cannot be given per run on a durable server (a run resumed "
                    + "elsewhere would lose it): set output_schema on the " + kind(c) + " in the config instead");
        }

        RunRequest.Builder b = RunRequest.builder(message).streamEvents(streamEvents);
        sessionId.ifPresent(b::sessionId);
        userId.ifPresent(b::userId);
        outputSchema.ifPresent(b::outputSchema);
        // The server names every run itself when the client did not, so it knows the id of a
        // blocking run too (to cancel it at shutdown).
        b.runId(runId.orElseGet(() -> UUID.randomUUID().toString()));
        RunRequest request = b.build();

        Execution execution = settings.execution();
        if (background && stream) {
            // A resumable stream: the run goes on when the client leaves; /resume picks it up again.
            RunStream events = execution.resumable(c, request);
            track(c, events.runId());
            sse.buffer(ctx, resumable.start(events, c.id(), userId, errorEvent(c)), 0, List.of(), List.of());
        } else if (background) {
            RunResult pending = execution.background(c, request);
            track(c, pending.runId());
            ObjectNode n = Views.obj();
            n.put("run_id", pending.runId());
            n.put("session_id", pending.sessionId());
            n.put("status", pending.status().name());
            Views.json(ctx, 202, n);
        } else if (stream) {
            RunStream events = execution.stream(c, request);
            track(c, events.runId());
            sse.stream(ctx, events, errorEvent(c), () -> ownRuns.remove(events.runId()));
        } else {
            String id = request.runId().orElseThrow();
            track(c, id);
            try {
                Views.json(ctx, 200, Views.run(execution.run(c, request)));
            } finally {
                ownRuns.remove(id);
            }
        }
    }

    /**
     * A session belongs to one agent or team (continuing another's is a client mistake, not a new session),
     * and under isolation to one user (another's is treated as one that does not exist).
     */
    private void checkSession(Context ctx, String sessionId, Component<?> c) {
        settings.db().getSession(sessionId).ifPresent(s -> {
            if (!Access.sees(ctx, s)) {
                throw new ApiException(404, "Session with id '" + sessionId + "' not found");
            }
            if (!s.componentId().equals(c.id())) {
                throw new ApiException(400, "Session " + sessionId + " belongs to " + s.type().wireName() + " '"
                        + s.componentId() + "', not to " + kind(c) + " '" + c.id() + "'");
            }
        });
    }

    private void track(Component<?> c, String runId) {
        if (settings.runManager().isPresent()) {
            return; // the manager knows its runs
        }
        ownRuns.put(runId, c);
        if (ownRuns.size() > 1000) {
            // Background runs are not watched one by one; forget the ones the store says have ended.
            ownRuns.keySet().removeIf(id -> settings.db().getRun(id).map(r -> r.status().isTerminal()).orElse(true));
        }
    }

    // ---- reading and cancelling --------------------------------------------------------------------

    /** The run {@code runId} of {@code c}, if the caller may see it. */
    private Optional<RunResult> find(Context ctx, Component<?> c, String runId, Optional<String> sessionId) {
        Optional<? extends RunResult> run = sessionId.isPresent()
                ? c.getRunOutput(runId, sessionId.get())
                : settings.db().getRun(runId).filter(r -> r.componentId().equals(c.id()));
        return run.<RunResult>map(r -> r).filter(r -> Access.sees(ctx, r));
    }

    void get(Context ctx, Component<?> c) {
        String runId = Forms.pathId(ctx, "run_id");
        // Agno requires session_id; Cadre finds the run by id alone when it is left out.
        RunResult r = find(ctx, c, runId, Forms.queryId(ctx, "session_id"))
                .orElseThrow(() -> new ApiException(404, "Run not found"));
        ObjectNode n = Views.run(r);
        // Which process executes it (or executed it last): in durable mode, any of the fleet.
        settings.db().runOwner(runId).ifPresent(owner -> n.put("instance_id", owner));
        Views.json(ctx, 200, n);
    }

    void cancel(Context ctx, Component<?> c) {
        String runId = Forms.pathId(ctx, "run_id");
        Optional<RunResult> stored = settings.db().getRun(runId);
        if (stored.isPresent() && (!stored.get().componentId().equals(c.id()) || !Access.sees(ctx, stored.get()))) {
            // Another component's run, or another user's: nothing is cancelled, and its existence is not told.
            answer(ctx, new CancelResult(runId, CancelResult.Outcome.NOT_FOUND, Optional.empty(),
                    "Run " + runId + " not found for " + kind(c) + " '" + c.id() + "'"));
            return;
        }
        // Not stored (yet): it may start soon with this id; the cancel is remembered for it.
        answer(ctx, c.cancelRun(runId));
    }

    /**
     * {@code GET .../runs?session_id=&status=}: the component's runs in one of its sessions, oldest first, as AgentOS
     * lists them. {@code session_id} is required (422 without it), as in AgentOS.
     */
    void list(Context ctx, Component<?> c) {
        String sessionId = Forms.queryId(ctx, "session_id")
                .orElseThrow(() -> Forms.validation("query", "missing", "session_id", "Field required", null));
        Optional<RunStatus> status = Forms.queryText(ctx, "status").map(RunRoutes::status);
        SessionRecord s = settings.db().getSession(sessionId).filter(x -> Access.sees(ctx, x))
                .filter(x -> x.componentId().equals(c.id()))
                .orElseThrow(() -> new ApiException(404, "Session not found"));
        ArrayNode out = CadreJson.mapper().createArrayNode();
        for (RunResult r : settings.db().listRuns(s.sessionId())) {
            if (r.componentId().equals(c.id()) && status.map(x -> x == r.status()).orElse(true)) {
                out.add(SessionViews.runSchema(r));
            }
        }
        Views.json(ctx, 200, out);
    }

    private static RunStatus status(String text) {
        try {
            return RunStatus.valueOf(text.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw Forms.validation("query", "enum", "status", "Input should be one of "
                    + java.util.Arrays.toString(RunStatus.values()), text);
        }
    }

    void byId(Context ctx) {
        String runId = Forms.pathId(ctx, "run_id");
        RunResult r = settings.db().getRun(runId).filter(run -> Access.sees(ctx, run))
                .orElseThrow(() -> new ApiException(404, "Run not found"));
        Views.json(ctx, 200, Views.run(r));
    }

    void cancelById(Context ctx) {
        String runId = Forms.pathId(ctx, "run_id");
        Optional<RunResult> stored = settings.db().getRun(runId);
        if (stored.isPresent() && !Access.sees(ctx, stored.get())) {
            answer(ctx, new CancelResult(runId, CancelResult.Outcome.NOT_FOUND, Optional.empty(),
                    "Run " + runId + " not found"));
            return;
        }
        // Cancel through the component that owns the run (its manager, its db): a team's cancel reaches its members.
        Optional<Component<?>> owner = stored.flatMap(r -> component(r.componentId()));
        if (owner.isPresent()) {
            Access.requireRun(ctx, owner.get());
            answer(ctx, owner.get().cancelRun(runId));
            return;
        }
        answer(ctx, cancelWithoutOwner(runId, stored.isPresent()));
    }

    /**
     * A run no served component owns (a member run, or a run not stored yet): cancelled by the manager that runs
     * it here; else, when stored, through the db (its owner elsewhere ends it); else remembered by every manager
     * of this server, so that whichever starts a run with that id soon cancels it at once.
     */
    private CancelResult cancelWithoutOwner(String runId, boolean stored) {
        List<RunManager> managers = managers();
        for (RunManager m : managers) {
            if (m.find(runId).isPresent()) {
                return m.cancel(runId, settings.db());
            }
        }
        if (stored) {
            return managers.isEmpty() ? RunManager.global().cancel(runId, settings.db())
                    : managers.get(0).cancel(runId, settings.db());
        }
        CancelResult result = CancelResult.notFound(runId);
        for (RunManager m : managers) {
            CancelResult r = m.cancel(runId);
            if (r.outcome() != CancelResult.Outcome.NOT_FOUND) {
                result = r; // it started meanwhile
            }
        }
        return result;
    }

    private List<RunManager> managers() {
        return settings.runManagers();
    }

    private Optional<Component<?>> component(String id) {
        return Optional.<Component<?>>ofNullable(settings.teams().get(id))
                .or(() -> Optional.ofNullable(settings.agents().get(id)));
    }

    /**
     * Every cancel answers 200, as AgentOS does (its client raises on anything else, an unknown run included);
     * the body says what happened — {@code outcome} NOT_FOUND for a run that is not known (yet).
     */
    private static void answer(Context ctx, CancelResult result) {
        ObjectNode n = Views.obj();
        n.put("run_id", result.runId());
        result.status().ifPresentOrElse(s -> n.put("status", s.name()), () -> n.putNull("status"));
        n.put("cancelled", result.accepted() || result.status().filter(s -> s == RunStatus.CANCELLED).isPresent());
        n.put("outcome", result.outcome().name());
        n.put("final_state_pending", result.finalStatePending());
        n.put("message", result.message());
        Views.json(ctx, 200, n);
    }

    // ---- resuming ----------------------------------------------------------------------------------

    /**
     * A run this process keeps no buffer of, in durable mode: its events read from the db's log — it may execute on
     * another process, or have executed on one that died — into a buffer here, which later resumes share.
     */
    private Optional<ResumableRuns.Buffer> followed(Context ctx, Component<?> c, String runId) {
        Optional<RunResult> stored = settings.db().getRun(runId)
                .filter(r -> r.componentId().equals(c.id()) && r.parentRunId().isEmpty() && Access.sees(ctx, r));
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        return settings.execution().follow(runId)
                .map(events -> resumable.follow(events, c.id(), stored.get().userId(), errorEvent(c)));
    }

    /** {@code POST .../runs/{run_id}/resume}: AgentOS's catch_up / subscribed / replay / error frames. */
    void resume(Context ctx, Component<?> c) throws IOException {
        String runId = Forms.pathId(ctx, "run_id");
        Forms.parse(ctx, settings.requestTimeout());
        int last = -1;
        String lastText = ctx.formParam("last_event_index");
        if (lastText != null && !lastText.isBlank() && !lastText.equalsIgnoreCase("null")) {
            try {
                last = Integer.parseInt(lastText.trim());
            } catch (NumberFormatException e) {
                throw Forms.validation("int_parsing", "last_event_index",
                        "Input should be a valid integer, unable to parse string as an integer", lastText);
            }
        }
        Connections.arrived(ctx);
        Optional<ResumableRuns.Buffer> found = resumable.get(runId).or(() -> followed(ctx, c, runId))
                .filter(b -> b.componentId.equals(c.id()) && Access.owns(ctx, b.userId));
        if (found.isEmpty()) {
            ObjectNode n = Views.obj();
            n.put("event", "error");
            n.put("run_id", runId);
            n.put("error", "Run " + runId + " not found in buffer or database: only runs started with background=true"
                    + " and stream=true can be resumed, for " + ResumableRuns.RETENTION.toMinutes()
                    + " minutes after they end; poll GET /" + kind(c) + "s/" + c.id() + "/runs/" + runId
                    + " for its output");
            sse.single(ctx, "error", n);
            return;
        }
        ResumableRuns.Buffer b = found.get();
        ResumableRuns.Snapshot now = b.now();
        int from = Math.max(0, last + 1);
        ObjectNode meta = Views.obj();
        if (now.ended()) {
            meta.put("event", "replay");
            meta.put("run_id", runId);
            meta.put("status", now.status());
            meta.put("total_events", now.total());
            meta.put("total_buffered", now.buffered());
            meta.put("last_event_index_requested", last);
            meta.put("message", "Run " + now.status() + ". Replaying " + now.available(from) + " events.");
            sse.buffer(ctx, b, from, List.of(SseWriter.frame("replay", meta)), List.of());
        } else {
            meta.put("event", "catch_up");
            meta.put("run_id", runId);
            meta.put("status", "running");
            meta.put("missed_events", now.available(from));
            meta.put("current_event_count", now.total());
            meta.put("message", "Catching up on " + now.available(from) + " missed events.");
            ObjectNode subscribed = Views.obj();
            subscribed.put("event", "subscribed");
            subscribed.put("run_id", runId);
            subscribed.put("status", "running");
            subscribed.put("current_event_count", now.total());
            subscribed.put("message", "Subscribed to " + kind(c) + " run. Receiving live events.");
            sse.buffer(ctx, b, from, List.of(SseWriter.frame("catch_up", meta)),
                    List.of(SseWriter.frame("subscribed", subscribed)));
        }
    }
}
