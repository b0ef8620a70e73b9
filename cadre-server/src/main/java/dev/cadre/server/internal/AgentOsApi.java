package dev.cadre.server.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cadre.Component;
import dev.cadre.db.DbException;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.component.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AgentOS routes on Javalin: lifecycle, cross-cutting concerns (CORS, authentication, errors, probes)
 * and the route table; the routes themselves live in {@link RunRoutes}, {@link SessionRoutes},
 * {@link SessionEdits}, {@link MetricsRoutes}, {@link PrometheusRoute} and {@link MemoryRoutes}. One
 * instance per {@code CadreServer}; thread-safe.
 *
 * <p>Handlers run on virtual threads and block freely: a streaming handler owns its request's thread for
 * the length of the run.
 */
public final class AgentOsApi {

    private static final Logger LOG = LoggerFactory.getLogger(AgentOsApi.class);

    private final ServerSettings settings;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Access access;
    private final SseWriter sse;
    private final RunRoutes runs;
    private final SessionRoutes sessions;
    private final SessionEdits sessionEdits;
    private final MetricsRoutes metrics;
    private final PrometheusRoute prometheus;
    private final MemoryRoutes memories;
    private final DiscoveryRoutes discovery;
    private volatile Javalin app;
    /** Requests being handled now; a stop lets them finish their answer before the listener closes. */
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    private final Object quiet = new Object();

    public AgentOsApi(ServerSettings settings) {
        this.settings = settings;
        this.access = new Access(settings.authenticator());
        // A client that takes no bytes of its stream for as long as a client may take to send a request is gone.
        this.sse = new SseWriter(settings.heartbeat(), settings.requestTimeout());
        this.runs = new RunRoutes(settings, sse, stopping::get);
        SessionViews sessionViews = new SessionViews(settings);
        this.sessions = new SessionRoutes(settings.db(), sessionViews);
        this.sessionEdits = new SessionEdits(settings, sessions, sessionViews);
        this.metrics = new MetricsRoutes(settings.db());
        this.prometheus = new PrometheusRoute(settings.prometheus());
        this.memories = new MemoryRoutes(settings.db(), settings.requestTimeout());
        this.discovery = new DiscoveryRoutes(settings, access.mode());
    }

    public ServerSettings settings() {
        return settings;
    }

    /** The writer of this server's streams (for tests). */
    SseWriter streams() {
        return sse;
    }

    /** The frames kept for resumable streams (for tests). */
    ResumableRuns resumable() {
        return runs.resumable;
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
                javalin.port(), settings.agentOrder(), settings.teamOrder(), access.mode());
    }

    public int port() {
        Javalin a = app;
        if (a == null) {
            throw new IllegalStateException("The server is not started");
        }
        return a.port();
    }

    public void stop(Duration grace, java.util.function.Consumer<String> progress) {
        if (!stopping.compareAndSet(false, true)) {
            awaitQuietly();
            return;
        }
        List<String> inProgress = StopProgress.runsInProgress(settings, runs.ownRuns);
        try {
            if (settings.execution() instanceof Execution.Durable d) {
                // A deploy: the runs may finish within the grace period; the rest are let go of, not cancelled, and
                // the fleet's other processes resume them from their last completed step.
                progress.accept("draining: the runs here may finish for " + grace.toSeconds() + " s");
                int letGo = d.durable().drain(grace);
                progress.accept(StopProgress.handedOver(letGo));
                grace = Duration.ZERO;
            } else {
                progress.accept(StopProgress.waitingFor(inProgress.size(), grace));
            }
            if (settings.runManager().isPresent()) {
                settings.runManager().get().shutdown(grace);
            } else if (!(settings.execution() instanceof Execution.Durable)) {
                // In durable mode the drain above handed every run over (let go of, or left in the queue): a cancel
                // of one not executing here would be a cancel request, carried out by the process taking it over.
                stopOwnRuns(grace);
            }
            if (!(settings.execution() instanceof Execution.Durable) && !inProgress.isEmpty()) {
                progress.accept(StopProgress.howTheyEnded(settings.db(), inProgress));
            }
            // The runs have ended; their streams may still be writing the cancelled event, and other requests
            // (the cancel that ended the last run, say) their answer.
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            sse.awaitOpenStreams(deadline);
            awaitNoRequests(deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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

    /** Counts the request until Jetty has completed it — its answer written, not merely produced. */
    private void countInFlight(Context ctx) {
        inFlight.incrementAndGet();
        org.eclipse.jetty.server.Request.addCompletionListener(
                org.eclipse.jetty.ee10.servlet.ServletContextRequest.getServletContextRequest(ctx.req()), failure -> {
                    if (inFlight.decrementAndGet() == 0) {
                        synchronized (quiet) {
                            quiet.notifyAll();
                        }
                    }
                });
    }

    private void awaitNoRequests(long deadlineNanos) throws InterruptedException {
        synchronized (quiet) {
            while (inFlight.get() > 0) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                TimeUnit.NANOSECONDS.timedWait(quiet, left);
            }
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

    /**
     * Without a run manager of its own the server ends the runs it started itself: each may finish within the
     * grace period (waited for on its component's manager), then the rest are cancelled all at once and waited
     * for, so that their final states are written before the store is closed under them.
     */
    private void stopOwnRuns(Duration grace) throws InterruptedException {
        Map<String, Component<?>> own = Map.copyOf(runs.ownRuns);
        long deadline = System.nanoTime() + grace.toNanos();
        for (Map.Entry<String, Component<?>> e : own.entrySet()) {
            e.getValue().runManager().awaitRun(e.getKey(), Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }
        try (var cancels = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            own.forEach((runId, c) -> cancels.submit(() -> c.cancelRun(runId)));
        }
        long ends = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        for (Map.Entry<String, Component<?>> e : own.entrySet()) {
            if (!e.getValue().runManager().awaitRun(e.getKey(), Duration.ofNanos(Math.max(0, ends - System.nanoTime())))) {
                LOG.warn("Run {} had not ended 10 s after the server cancelled it on stopping", e.getKey());
            }
        }
    }

    // ---- routes ----------------------------------------------------------------------------------

    private void configure(JavalinConfig config) {
        config.concurrency.useVirtualThreads = true;
        config.http.compressionStrategy = CompressionStrategy.NONE; // a compressed SSE stream is buffered
        config.router.ignoreTrailingSlashes = true;
        config.router.treatMultipleSlashesAsSingleSlash = true;
        config.startup.showJavalinBanner = false;
        config.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
        config.jetty.modifyServer(server -> server.addEventListener(new LifeCycle.Listener() {
            @Override
            public void lifeCycleStarting(LifeCycle event) {
                for (var connector : server.getConnectors()) {
                    if (connector instanceof ServerConnector sc) {
                        // Many clients connect at once (a UI opening, a batch of background runs); the JVM's
                        // default backlog of 50 would reset the rest.
                        sc.setAcceptQueueSize(1024);
                        // A client must send its request within this; handlers lift it once it has arrived.
                        sc.setIdleTimeout(settings.requestTimeout().toMillis());
                    }
                }
            }
        }));

        var r = config.routes;
        r.before(this::countInFlight);
        r.before(this::cors);
        r.before(access::authenticate);
        r.before(ctx -> {
            if (!ctx.method().name().equals("POST") && !ctx.method().name().equals("PATCH")
                    && !ctx.method().name().equals("PUT")) {
                Connections.arrived(ctx); // no body to wait for
            }
        });
        r.after(ctx -> Connections.handled(ctx, settings.requestTimeout()));
        r.options("/*", this::preflight);

        r.get("/", discovery::home);
        r.get("/health", discovery::health);
        r.get("/ready", this::ready);
        r.get("/info", discovery::info);
        r.get("/config", discovery::config);
        r.get("/models", discovery::listModels);

        r.get("/agents", discovery::listAgents);
        r.get("/teams", discovery::listTeams);
        r.get("/agents/{id}", ctx -> Views.json(ctx, 200, ComponentViews.detail(agent(ctx), settings.db())));
        r.get("/teams/{id}", ctx -> Views.json(ctx, 200, ComponentViews.detail(team(ctx), settings.db())));

        r.post("/agents/{id}/runs", ctx -> runs.create(ctx, agent(ctx)));
        r.post("/teams/{id}/runs", ctx -> runs.create(ctx, team(ctx)));
        r.get("/agents/{id}/runs", ctx -> runs.list(ctx, agent(ctx)));
        r.get("/teams/{id}/runs", ctx -> runs.list(ctx, team(ctx)));
        r.get("/agents/{id}/runs/{run_id}", ctx -> runs.get(ctx, agent(ctx)));
        r.get("/teams/{id}/runs/{run_id}", ctx -> runs.get(ctx, team(ctx)));
        r.post("/agents/{id}/runs/{run_id}/cancel", ctx -> runs.cancel(ctx, agent(ctx)));
        r.post("/teams/{id}/runs/{run_id}/cancel", ctx -> runs.cancel(ctx, team(ctx)));
        r.post("/agents/{id}/runs/{run_id}/resume", ctx -> runs.resume(ctx, agent(ctx)));
        r.post("/teams/{id}/runs/{run_id}/resume", ctx -> runs.resume(ctx, team(ctx)));

        // Cadre's own: a run and its cancel by run id alone, without knowing its team, agent or session.
        r.get("/runs/{run_id}", runs::byId);
        r.post("/runs/{run_id}/cancel", runs::cancelById);

        r.get("/sessions", sessions::list);
        r.post("/sessions", sessionEdits::create);
        r.delete("/sessions", sessionEdits::deleteMany);
        r.get("/sessions/{session_id}", sessions::get);
        r.patch("/sessions/{session_id}", sessionEdits::update);
        r.delete("/sessions/{session_id}", sessionEdits::delete);
        r.get("/sessions/{session_id}/runs", sessions::runs);
        r.get("/sessions/{session_id}/runs/{run_id}", sessions::run);
        r.post("/sessions/{session_id}/rename", sessionEdits::rename);
        r.get("/metrics", metrics::get);
        r.post("/metrics/refresh", metrics::refresh);
        r.get("/metrics/refresh/status", metrics::refreshStatus);
        r.get("/metrics/prometheus", prometheus::scrape);
        r.get("/memories", memories::list);
        r.post("/memories", memories::create);
        r.delete("/memories", memories::deleteMany);
        r.get("/memories/{memory_id}", memories::get);
        r.patch("/memories/{memory_id}", memories::update);
        r.delete("/memories/{memory_id}", memories::delete);
        r.get("/memory_topics", memories::topicList);
        r.get("/user_memory_stats", memories::userStats);
        r.post("/optimize-memories", memories::optimize);
        new DashboardRoutes(settings).register(r);

        r.exception(HttpResponseException.class, (e, ctx) -> Failures.answer(ctx, new ApiException(e.getStatus(),
                e.getStatus() == 404 ? "Not Found" : e.getMessage())));
        r.exception(Exception.class, (e, ctx) -> Failures.answer(ctx, Failures.toApi(ctx, e)));
    }

    /** Readiness, for load balancers: 503 while the database cannot be reached or the server is stopping. */
    private void ready(Context ctx) {
        ObjectNode n = Views.obj();
        if (stopping.get()) {
            n.put("status", "unavailable");
            n.put("detail", "Cadre is shutting down");
            Views.json(ctx, 503, n);
            return;
        }
        try {
            settings.db().ping();
        } catch (DbException e) {
            LOG.debug("Not ready: {}", e.getMessage());
            n.put("status", "unavailable");
            n.put("detail", "The database is unavailable");
            ctx.header("Retry-After", "1");
            Views.json(ctx, 503, n);
            return;
        }
        n.put("status", "ready");
        Views.json(ctx, 200, n);
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

    // ---- cross-cutting ---------------------------------------------------------------------------

    private boolean allowed(String origin) {
        return origin != null && (settings.corsOrigins().contains("*") || settings.corsOrigins().contains(origin));
    }

    private void cors(Context ctx) {
        String origin = ctx.header("Origin");
        if (allowed(origin)) {
            ctx.header("Access-Control-Allow-Origin", origin);
            ctx.header("Access-Control-Allow-Credentials", "true");
            ctx.header("Access-Control-Expose-Headers", "*");
            ctx.header("Vary", "Origin");
        }
    }

    private void preflight(Context ctx) {
        String origin = ctx.header("Origin");
        if (allowed(origin)) {
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
}
