package dev.cadre.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cadre.Component;
import dev.cadre.json.CadreJson;
import dev.cadre.run.CancelResult;
import dev.cadre.run.RunRequest;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStream;
import dev.cadre.store.Page;
import dev.cadre.store.SessionQuery;
import dev.cadre.store.SessionRecord;
import dev.cadre.store.SessionType;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AgentOS routes on Javalin. One instance per {@code CadreServer}; thread-safe.
 *
 * <p>Handlers run on virtual threads and block freely: a streaming handler owns its request's thread
 * for the length of the run.
 */
public final class AgentOsApi {

    private static final Logger LOG = LoggerFactory.getLogger(AgentOsApi.class);
    private static final String JSON = "application/json";
    private static final Object END = new Object();

    private final ServerSettings settings;
    private final Instant startedAt = Instant.now();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** Runs this server started and that may still run: run id → component, for a shutdown without a run manager. */
    private final Map<String, Component<?>> ownRuns = new ConcurrentHashMap<>();
    private final ResumableRuns resumable = new ResumableRuns();
    /** One latch per stream being written, so that stop() lets them write their last event before closing. */
    private final Set<CountDownLatch> openStreams = ConcurrentHashMap.newKeySet();
    private volatile Javalin app;

    public AgentOsApi(ServerSettings settings) {
        this.settings = settings;
    }

    public ServerSettings settings() {
        return settings;
    }

    // ---- lifecycle -------------------------------------------------------------------------------

    public void start() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("The server was started before");
        }
        Javalin javalin = Javalin.create(this::configure);
        try {
            javalin.start(settings.host(), settings.port());
        } catch (RuntimeException e) {
            throw new IllegalStateException("Cannot serve on " + settings.host() + ":" + settings.port() + ": "
                    + e.getMessage(), e);
        }
        app = javalin;
        LOG.info("Cadre serves the AgentOS API on http://{}:{} (agents: {}, teams: {}, auth: {})", settings.host(),
                javalin.port(), settings.agentOrder(), settings.teamOrder(),
                settings.securityKey().isPresent() ? "security key" : "none");
    }

    public int port() {
        Javalin a = app;
        if (a == null) {
            throw new IllegalStateException("The server is not started");
        }
        return a.port();
    }

    public void stop(Duration grace) {
        if (!stopping.compareAndSet(false, true)) {
            awaitQuietly();
            return;
        }
        try {
            if (settings.runManager().isPresent()) {
                settings.runManager().get().shutdown(grace);
            } else {
                stopOwnRuns(grace);
            }
            // The runs have ended; their streams may still be writing the cancelled event.
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            for (CountDownLatch open : List.copyOf(openStreams)) {
                try {
                    open.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        } finally {
            Javalin a = app;
            if (a != null) {
                a.stop();
            }
            for (AutoCloseable c : settings.closeOnStop()) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.warn("Closing {} after the server stopped failed", c, e);
                }
            }
            stopped.countDown();
        }
    }

    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    private void awaitQuietly() {
        try {
            stopped.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void stopOwnRuns(Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        while (System.nanoTime() < deadline) {
            ownRuns.keySet().removeIf(id -> settings.store().getRun(id).map(r -> r.status().isTerminal()).orElse(false));
            if (ownRuns.isEmpty()) {
                return;
            }
            try {
                // These runs belong to managers this server does not own, so there is nothing to wait on but the store.
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        ownRuns.forEach((runId, c) -> c.cancelRun(runId));
    }

    // ---- routes ----------------------------------------------------------------------------------

    private void configure(JavalinConfig config) {
        config.concurrency.useVirtualThreads = true;
        config.http.compressionStrategy = CompressionStrategy.NONE; // a compressed SSE stream is buffered
        config.router.ignoreTrailingSlashes = true;
        config.router.treatMultipleSlashesAsSingleSlash = true;
        config.startup.showJavalinBanner = false;
        // Many clients connect at once (a UI opening, a batch of background runs); the JVM's default
        // backlog of 50 would reset the rest.
        config.jetty.modifyServer(server -> server.addEventListener(new org.eclipse.jetty.util.component.LifeCycle.Listener() {
            @Override
            public void lifeCycleStarting(org.eclipse.jetty.util.component.LifeCycle event) {
                for (var connector : server.getConnectors()) {
                    if (connector instanceof org.eclipse.jetty.server.ServerConnector sc) {
                        sc.setAcceptQueueSize(1024);
                        // A team run answered with stream=false may think for minutes without a byte
                        // on the wire; Jetty's 30 s default would drop its client.
                        sc.setIdleTimeout(Duration.ofMinutes(10).toMillis());
                    }
                }
            }
        }));

        var r = config.routes;
        r.before(this::cors);
        r.before(this::authenticate);
        r.options("/*", this::preflight);

        r.get("/", ctx -> json(ctx, 200, home()));
        r.get("/health", ctx -> {
            ObjectNode n = Views.obj();
            n.put("status", "ok");
            n.put("instantiated_at", startedAt.toString());
            json(ctx, 200, n);
        });

        r.get("/agents", ctx -> json(ctx, 200, list(settings.agentOrder(), settings.agents())));
        r.get("/teams", ctx -> json(ctx, 200, list(settings.teamOrder(), settings.teams())));
        r.get("/agents/{id}", ctx -> json(ctx, 200, Views.component(agent(ctx), dbId())));
        r.get("/teams/{id}", ctx -> json(ctx, 200, Views.component(team(ctx), dbId())));

        r.post("/agents/{id}/runs", ctx -> createRun(ctx, agent(ctx)));
        r.post("/teams/{id}/runs", ctx -> createRun(ctx, team(ctx)));
        r.get("/agents/{id}/runs/{run_id}", ctx -> getRun(ctx, agent(ctx)));
        r.get("/teams/{id}/runs/{run_id}", ctx -> getRun(ctx, team(ctx)));
        r.post("/agents/{id}/runs/{run_id}/cancel", ctx -> cancel(ctx, agent(ctx)));
        r.post("/teams/{id}/runs/{run_id}/cancel", ctx -> cancel(ctx, team(ctx)));
        r.post("/agents/{id}/runs/{run_id}/resume", ctx -> resume(ctx, agent(ctx)));
        r.post("/teams/{id}/runs/{run_id}/resume", ctx -> resume(ctx, team(ctx)));

        // Cadre's own: a run and its cancel by run id alone, without knowing its team, agent or session.
        r.get("/runs/{run_id}", this::runById);
        r.post("/runs/{run_id}/cancel", this::cancelById);

        r.get("/sessions", this::listSessions);
        r.get("/sessions/{session_id}", this::getSession);
        r.get("/sessions/{session_id}/runs", this::sessionRuns);
        r.get("/sessions/{session_id}/runs/{run_id}", this::sessionRun);
        r.post("/sessions/{session_id}/rename", this::renameSession);
        r.delete("/sessions/{session_id}", ctx -> {
            settings.store().deleteSession(ctx.pathParam("session_id"));
            ctx.status(204);
        });

        r.exception(ApiException.class, (e, ctx) -> error(ctx, e.status(), e.detail()));
        r.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(),
                CadreJson.mapper().getNodeFactory().textNode(notFoundText(e))));
        r.exception(Exception.class, (e, ctx) -> {
            LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
            error(ctx, 500, CadreJson.mapper().getNodeFactory().textNode(String.valueOf(e.getMessage())));
        });
    }

    private static String notFoundText(HttpResponseException e) {
        return e.getStatus() == 404 ? "Not Found" : e.getMessage();
    }

    private ObjectNode home() {
        ObjectNode n = Views.obj();
        n.put("name", "AgentOS API");
        n.put("id", settings.osId());
        n.put("version", "1.0.0");
        return n;
    }

    private String dbId() {
        return settings.store().id();
    }

    private ArrayNode list(List<String> order, Map<String, ? extends Component<?>> byId) {
        ArrayNode a = CadreJson.mapper().createArrayNode();
        order.forEach(id -> a.add(Views.component(byId.get(id), dbId())));
        return a;
    }

    private Component<?> agent(Context ctx) {
        Component<?> c = settings.agents().get(ctx.pathParam("id"));
        if (c == null) {
            throw new ApiException(404, "Agent not found");
        }
        return c;
    }

    private Component<?> team(Context ctx) {
        Component<?> c = settings.teams().get(ctx.pathParam("id"));
        if (c == null) {
            throw new ApiException(404, "Team not found");
        }
        return c;
    }

    private static String kind(Component<?> c) {
        return c instanceof dev.cadre.Team ? "team" : "agent";
    }

    // ---- cross-cutting ---------------------------------------------------------------------------

    private void cors(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin == null) {
            return;
        }
        if (settings.corsOrigins().contains("*") || settings.corsOrigins().contains(origin)) {
            ctx.header("Access-Control-Allow-Origin", origin);
            ctx.header("Access-Control-Allow-Credentials", "true");
            ctx.header("Access-Control-Expose-Headers", "*");
            ctx.header("Vary", "Origin");
        }
    }

    private void preflight(Context ctx) {
        String origin = ctx.header("Origin");
        boolean allowed = origin != null
                && (settings.corsOrigins().contains("*") || settings.corsOrigins().contains(origin));
        if (allowed) {
            ctx.header("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS");
            String requested = ctx.header("Access-Control-Request-Headers");
            ctx.header("Access-Control-Allow-Headers",
                    requested == null || requested.isBlank() ? "authorization, content-type" : requested);
            ctx.header("Access-Control-Max-Age", "600");
            ctx.status(200).result("OK");
        } else {
            // Like Starlette: a preflight from an origin that is not allowed gets 400 without CORS headers.
            ctx.status(400).contentType("text/plain").result("Disallowed CORS origin");
        }
    }

    private void authenticate(Context ctx) {
        if (settings.securityKey().isEmpty() || ctx.method().name().equals("OPTIONS")) {
            return;
        }
        String path = ctx.path();
        if (path.equals("/") || path.equals("/health") || path.equals("/health/")) {
            return;
        }
        String header = ctx.header("Authorization");
        if (header == null || header.isBlank()) {
            throw new ApiException(401, "Authorization header required");
        }
        String token = header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : header.trim();
        byte[] expected = settings.securityKey().get().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(expected, token.getBytes(StandardCharsets.UTF_8))) {
            throw new ApiException(401, "Invalid authentication token");
        }
    }

    private static void json(Context ctx, int status, JsonNode body) {
        ctx.status(status).contentType(JSON).result(CadreJson.write(body));
    }

    private static void error(Context ctx, int status, JsonNode detail) {
        ObjectNode n = Views.obj();
        n.set("detail", detail);
        json(ctx, status, n);
    }

    // ---- runs ------------------------------------------------------------------------------------

    private void createRun(Context ctx, Component<?> c) throws IOException {
        Forms.parse(ctx);
        String message = Forms.required(ctx, "message");
        boolean stream = Forms.bool(ctx, "stream", true);
        boolean background = Forms.bool(ctx, "background", false);
        boolean streamEvents = Forms.bool(ctx, "stream_events", true);
        Optional<String> sessionId = Forms.optional(ctx, "session_id");
        Optional<String> userId = Forms.optional(ctx, "user_id");
        Optional<String> runId = Forms.optional(ctx, "run_id");

        if (stopping.get()) {
            throw new ApiException(503, "Cadre is shutting down: it accepts no new runs");
        }
        if (background && c.db().isEmpty()) {
            throw new ApiException(400, "Background execution requires a database to be configured on the " + kind(c));
        }
        if (runId.isPresent() && settings.store().getRun(runId.get()).isPresent()) {
            throw new ApiException(409, "A run with id " + runId.get() + " already exists; run ids must be unique");
        }
        sessionId.ifPresent(sid -> checkSessionOwner(sid, c));

        RunRequest.Builder b = RunRequest.builder(message).streamEvents(streamEvents);
        sessionId.ifPresent(b::sessionId);
        userId.ifPresent(b::userId);
        // The server names every run itself when the client did not, so it knows the id of a
        // blocking run too (to cancel it at shutdown).
        b.runId(runId.orElseGet(() -> java.util.UUID.randomUUID().toString()));
        RunRequest request = b.build();

        if (background && stream) {
            // A resumable stream: the run goes on when the client leaves; /resume picks it up again.
            RunStream events = startGuarded(() -> c.stream(request));
            track(c, events.runId());
            serveBuffer(ctx, resumable.start(events, c.id()), 0, List.of(), List.of());
        } else if (background) {
            RunResult pending = startGuarded(() -> c.runInBackground(request));
            track(c, pending.runId());
            ObjectNode n = Views.obj();
            n.put("run_id", pending.runId());
            n.put("session_id", pending.sessionId());
            n.put("status", pending.status().name());
            json(ctx, 202, n);
        } else if (stream) {
            RunStream events = startGuarded(() -> c.stream(request));
            track(c, events.runId());
            streamEvents(ctx, events, c instanceof dev.cadre.Team ? "TeamRunError" : "RunError");
        } else {
            String id = request.runId().orElseThrow();
            track(c, id);
            try {
                json(ctx, 200, Views.run(startGuarded(() -> c.run(request))));
            } finally {
                ownRuns.remove(id);
            }
        }
    }

    /** A session belongs to one agent or team; continuing another's is a client mistake, not a new session. */
    private void checkSessionOwner(String sessionId, Component<?> c) {
        settings.store().getSession(sessionId).ifPresent(s -> {
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
            ownRuns.keySet().removeIf(id -> settings.store().getRun(id).map(r -> r.status().isTerminal()).orElse(true));
        }
    }

    private interface Start<T> {
        T start();
    }

    private static <T> T startGuarded(Start<T> start) {
        try {
            return start.start();
        } catch (RejectedExecutionException e) {
            throw new ApiException(503, "Too many background runs are waiting: " + e.getMessage());
        } catch (dev.cadre.run.RunRefusedException e) {
            throw new ApiException(switch (e.reason()) {
                case RUN_ID_IN_USE -> 409;
                case SHUT_DOWN -> 503;
                case NO_MODEL, NO_DB -> 400;
            }, e.getMessage());
        } catch (IllegalStateException e) {
            throw new ApiException(400, String.valueOf(e.getMessage()));
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, String.valueOf(e.getMessage()));
        }
    }

    /**
     * Writes the run's events as SSE, flushing each. A reader thread moves events from the run to a
     * queue, so this thread can wake up when the stream is quiet and write a heartbeat: a client that
     * went away makes that write fail, and closing the run stream then cancels the run.
     */
    private void streamEvents(Context ctx, RunStream events, String errorEvent) throws IOException {
        CountDownLatch open = new CountDownLatch(1);
        openStreams.add(open);
        try {
            writeEvents(ctx, events, errorEvent);
        } finally {
            openStreams.remove(open);
            open.countDown();
        }
    }

    private void writeEvents(Context ctx, RunStream events, String errorEvent) throws IOException {
        LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        Thread reader = Thread.ofVirtual().name("cadre-sse-" + events.runId()).start(() -> {
            try {
                for (var e : events) {
                    queue.add(e);
                }
            } catch (RuntimeException e) {
                queue.add(e);
            } finally {
                queue.add(END);
            }
        });
        var res = ctx.res();
        res.setStatus(200);
        res.setContentType("text/event-stream; charset=utf-8");
        res.setHeader("Cache-Control", "no-cache");
        res.setHeader("X-Accel-Buffering", "no");
        OutputStream out = res.getOutputStream(); // the raw stream: Javalin's own buffers the result
        boolean clientGone = false;
        try {
            res.flushBuffer(); // headers now: clients see the stream open before the first event
            long heartbeatNanos = settings.heartbeat().toNanos();
            while (true) {
                Object item;
                try {
                    item = queue.poll(heartbeatNanos, TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                if (item == END) {
                    break;
                }
                String frame;
                if (item == null) {
                    frame = ": heartbeat\n\n";
                } else if (item instanceof dev.cadre.event.RunEvent e) {
                    frame = "event: " + e.event() + "\ndata: " + CadreJson.write(e) + "\n\n";
                } else {
                    frame = errorFrame(events, errorEvent, (RuntimeException) item);
                }
                out.write(frame.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            out.close(); // ends the chunked body now, while stop() still waits for this stream
        } catch (IOException e) {
            clientGone = true;
            LOG.debug("Client of run {} went away; cancelling the run", events.runId());
        } finally {
            events.close(); // cancels the run if it has not ended
            ownRuns.remove(events.runId());
            if (clientGone) {
                reader.interrupt();
            }
        }
    }

    private static void startSse(Context ctx) throws IOException {
        var res = ctx.res();
        res.setStatus(200);
        res.setContentType("text/event-stream; charset=utf-8");
        res.setHeader("Cache-Control", "no-cache");
        res.setHeader("X-Accel-Buffering", "no");
        res.flushBuffer();
    }

    /**
     * Writes a resumable run's frames from {@code from} on: first {@code before}, then the frames
     * there are now, then {@code between}, then live frames until the run ends. A client that goes
     * away only stops this loop; the run goes on.
     */
    private void serveBuffer(Context ctx, ResumableRuns.Buffer buffer, int from, List<String> before,
            List<String> between) throws IOException {
        CountDownLatch open = new CountDownLatch(1);
        openStreams.add(open);
        try {
            writeBuffer(ctx, buffer, from, before, between);
        } finally {
            openStreams.remove(open);
            open.countDown();
        }
    }

    private void writeBuffer(Context ctx, ResumableRuns.Buffer buffer, int from, List<String> before,
            List<String> between) throws IOException {
        startSse(ctx);
        OutputStream out = ctx.res().getOutputStream();
        try {
            for (String f : before) {
                out.write(f.getBytes(StandardCharsets.UTF_8));
            }
            int next = from;
            ResumableRuns.Snapshot caughtUp = buffer.await(next, Duration.ZERO);
            for (String f : caughtUp.frames()) {
                out.write(f.getBytes(StandardCharsets.UTF_8));
            }
            next += caughtUp.frames().size();
            for (String f : between) {
                out.write(f.getBytes(StandardCharsets.UTF_8));
            }
            out.flush();
            boolean ended = caughtUp.ended();
            while (!ended) {
                ResumableRuns.Snapshot s = buffer.await(next, settings.heartbeat());
                if (s.frames().isEmpty() && !s.ended()) {
                    out.write(": heartbeat\n\n".getBytes(StandardCharsets.UTF_8));
                }
                for (String f : s.frames()) {
                    out.write(f.getBytes(StandardCharsets.UTF_8));
                }
                out.flush();
                next += s.frames().size();
                ended = s.ended();
            }
            out.close(); // ends the chunked body now, while stop() still waits for this stream
        } catch (IOException e) {
            LOG.debug("Client of background run {} went away; the run goes on", buffer.runId);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code POST .../runs/{run_id}/resume}: AgentOS's catch_up / subscribed / replay / error frames. */
    private void resume(Context ctx, Component<?> c) throws IOException {
        String runId = ctx.pathParam("run_id");
        Forms.parse(ctx);
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
        Optional<ResumableRuns.Buffer> found = resumable.get(runId).filter(b -> b.componentId.equals(c.id()));
        if (found.isEmpty()) {
            ObjectNode n = Views.obj();
            n.put("event", "error");
            n.put("run_id", runId);
            n.put("error", "Run " + runId + " not found in buffer or database: only runs started with background=true"
                    + " and stream=true can be resumed, for " + ResumableRuns.RETENTION.toMinutes()
                    + " minutes after they end; poll GET /" + kind(c) + "s/" + c.id() + "/runs/" + runId
                    + " for its output");
            startSse(ctx);
            OutputStream out = ctx.res().getOutputStream();
            out.write(("event: error\ndata: " + CadreJson.write(n) + "\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
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
            meta.put("total_buffered", now.total());
            meta.put("last_event_index_requested", last);
            meta.put("message", "Run " + now.status() + ". Replaying " + Math.max(0, now.total() - from) + " events.");
            serveBuffer(ctx, b, from, List.of(frame("replay", meta)), List.of());
        } else {
            meta.put("event", "catch_up");
            meta.put("run_id", runId);
            meta.put("status", "running");
            meta.put("missed_events", Math.max(0, now.total() - from));
            meta.put("current_event_count", now.total());
            meta.put("message", "Catching up on " + Math.max(0, now.total() - from) + " missed events.");
            ObjectNode subscribed = Views.obj();
            subscribed.put("event", "subscribed");
            subscribed.put("run_id", runId);
            subscribed.put("status", "running");
            subscribed.put("current_event_count", now.total());
            subscribed.put("message", "Subscribed to " + kind(c) + " run. Receiving live events.");
            serveBuffer(ctx, b, from, List.of(frame("catch_up", meta)), List.of(frame("subscribed", subscribed)));
        }
    }

    private static String frame(String name, ObjectNode json) {
        return "event: " + name + "\ndata: " + CadreJson.write(json) + "\n\n";
    }

    /** A failure outside the run's own events (the store failed, say) still ends the stream with an error event. */
    private static String errorFrame(RunStream events, String name, RuntimeException failure) {
        ObjectNode n = Views.obj();
        n.put("event", name);
        n.put("created_at", Instant.now().getEpochSecond());
        n.put("run_id", events.runId());
        n.put("session_id", events.sessionId());
        n.put("content", String.valueOf(failure.getMessage()));
        n.put("error_type", failure.getClass().getSimpleName());
        return "event: " + name + "\ndata: " + CadreJson.write(n) + "\n\n";
    }

    private void getRun(Context ctx, Component<?> c) {
        String runId = ctx.pathParam("run_id");
        Optional<String> sessionId = Optional.ofNullable(ctx.queryParam("session_id")).filter(s -> !s.isBlank());
        // Agno requires session_id; Cadre finds the run by id alone when it is left out.
        Optional<? extends RunResult> run = sessionId.isPresent()
                ? c.getRunOutput(runId, sessionId.get())
                : settings.store().getRun(runId).filter(r -> r.componentId().equals(c.id()));
        RunResult r = run.orElseThrow(() -> new ApiException(404, "Run not found"));
        json(ctx, 200, Views.run(r));
    }

    private void cancel(Context ctx, Component<?> c) {
        cancelResponse(ctx, c.cancelRun(ctx.pathParam("run_id")));
    }

    private void runById(Context ctx) {
        String runId = ctx.pathParam("run_id");
        RunResult r = settings.store().getRun(runId).orElseThrow(() -> new ApiException(404, "Run not found"));
        json(ctx, 200, Views.run(r));
    }

    private void cancelById(Context ctx) {
        String runId = ctx.pathParam("run_id");
        // Cancel through the component that owns the run (a team's cancel reaches its members); a run the
        // store does not know yet can still be cancelled before it starts, through any component.
        Optional<Component<?>> owner = settings.store().getRun(runId)
                .flatMap(r -> Optional.<Component<?>>ofNullable(settings.teams().get(r.componentId()))
                        .or(() -> Optional.ofNullable(settings.agents().get(r.componentId()))));
        Component<?> c = owner.or(() -> settings.teams().values().stream().<Component<?>>map(t -> t).findFirst())
                .or(() -> settings.agents().values().stream().<Component<?>>map(a -> a).findFirst())
                .orElseThrow(() -> new ApiException(404, "Run not found"));
        cancelResponse(ctx, c.cancelRun(runId));
    }

    private void cancelResponse(Context ctx, CancelResult result) {
        if (result.outcome() == CancelResult.Outcome.NOT_FOUND) {
            throw new ApiException(404, result.message());
        }
        ObjectNode n = Views.obj();
        n.put("run_id", result.runId());
        result.status().ifPresentOrElse(s -> n.put("status", s.name()), () -> n.putNull("status"));
        n.put("cancelled", result.accepted()
                || result.status().filter(s -> s == dev.cadre.run.RunStatus.CANCELLED).isPresent());
        n.put("outcome", result.outcome().name());
        n.put("message", result.message());
        json(ctx, 200, n);
    }

    // ---- sessions --------------------------------------------------------------------------------

    private void listSessions(Context ctx) {
        SessionQuery q = SessionQuery.all();
        String type = ctx.queryParam("type");
        if (type != null && !type.isBlank()) {
            q = q.withType(sessionType(type));
        }
        String component = ctx.queryParam("component_id");
        if (component != null && !component.isBlank()) {
            q = q.withComponentId(component);
        }
        String user = ctx.queryParam("user_id");
        if (user != null && !user.isBlank()) {
            q = q.withUserId(user);
        }
        int limit = intQuery(ctx, "limit", 20, 1, 1000);
        int page = Math.max(1, intQuery(ctx, "page", 1, 0, Integer.MAX_VALUE));
        q = q.withPage(page, limit);
        long t0 = System.nanoTime();
        Page<SessionRecord> result = settings.store().listSessions(q);
        ArrayNode data = CadreJson.mapper().createArrayNode();
        for (SessionRecord s : result.items()) {
            String name = s.name().orElseGet(() -> Views.sessionName(s, settings.store().listRuns(s.sessionId())));
            data.add(Views.session(s, name));
        }
        ObjectNode body = Views.obj();
        body.set("data", data);
        ObjectNode meta = body.putObject("meta");
        meta.put("page", result.page());
        meta.put("limit", result.limit());
        meta.put("total_pages", result.totalPages());
        meta.put("total_count", result.total());
        meta.put("search_time_ms", (System.nanoTime() - t0) / 1_000_000.0);
        json(ctx, 200, body);
    }

    private static SessionType sessionType(String type) {
        return switch (type.trim().toLowerCase(Locale.ROOT)) {
            case "agent" -> SessionType.AGENT;
            case "team" -> SessionType.TEAM;
            default -> throw queryValidation("enum", "type", "Input should be 'agent' or 'team'", type);
        };
    }

    private static int intQuery(Context ctx, String name, int dflt, int min, int max) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        int n;
        try {
            n = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw queryValidation("int_parsing", name, "Input should be a valid integer, unable to parse string as an integer", v);
        }
        if (n < min || n > max) {
            throw queryValidation("out_of_range", name, "Input should be between " + min + " and " + max, v);
        }
        return n;
    }

    private static ApiException queryValidation(String type, String field, String msg, String input) {
        ApiException e = Forms.validation(type, field, msg, input);
        ((ObjectNode) e.detail().get(0)).putArray("loc").add("query").add(field);
        return e;
    }

    private SessionRecord session(String sessionId) {
        return settings.store().getSession(sessionId)
                .orElseThrow(() -> new ApiException(404, "Session with id '" + sessionId + "' not found"));
    }

    private void getSession(Context ctx) {
        SessionRecord s = session(ctx.pathParam("session_id"));
        List<RunResult> runs = settings.store().listRuns(s.sessionId());
        json(ctx, 200, Views.sessionDetail(s, Views.sessionName(s, runs), runs));
    }

    /**
     * The session's top-level runs. 404 while the session has no stored run: the Agent UI fetches this
     * while the first run of a new chat streams, and an empty list would wipe the answer it shows.
     */
    private void sessionRuns(Context ctx) {
        String sessionId = ctx.pathParam("session_id");
        if (settings.store().getSession(sessionId).isEmpty()) {
            throw new ApiException(404, "Session with ID " + sessionId + " not found");
        }
        List<RunResult> runs = settings.store().listRuns(sessionId);
        if (runs.isEmpty()) {
            throw new ApiException(404, "Session with ID " + sessionId + " has no runs");
        }
        ArrayNode a = CadreJson.mapper().createArrayNode();
        runs.stream().filter(r -> r.parentRunId().isEmpty()).forEach(r -> a.add(Views.runSchema(r)));
        json(ctx, 200, a);
    }

    private void sessionRun(Context ctx) {
        String sessionId = ctx.pathParam("session_id");
        String runId = ctx.pathParam("run_id");
        if (settings.store().getSession(sessionId).isEmpty()) {
            throw new ApiException(404, "Session with ID " + sessionId + " not found");
        }
        RunResult run = settings.store().getRun(runId).filter(r -> r.sessionId().equals(sessionId))
                .orElseThrow(() -> new ApiException(404, "Run with ID " + runId + " not found in session " + sessionId));
        json(ctx, 200, Views.runSchema(run));
    }

    private void renameSession(Context ctx) {
        String sessionId = ctx.pathParam("session_id");
        JsonNode body;
        try {
            body = ctx.body().isBlank() ? null : CadreJson.mapper().readTree(ctx.body());
        } catch (IOException e) {
            throw new ApiException(422, "The body must be JSON like {\"session_name\": \"...\"}: " + e.getMessage());
        }
        JsonNode name = body == null ? null : body.get("session_name");
        if (name == null || !name.isTextual()) {
            throw Forms.validation("missing", "session_name", "Field required", null);
        }
        if (name.asText().isBlank()) {
            throw new ApiException(400, "session_name must not be blank");
        }
        if (!settings.store().renameSession(sessionId, name.asText())) {
            throw new ApiException(404, "Session with id '" + sessionId + "' not found");
        }
        SessionRecord s = session(sessionId);
        List<RunResult> runs = settings.store().listRuns(sessionId);
        json(ctx, 200, Views.sessionDetail(s, Views.sessionName(s, runs), runs));
    }
}
