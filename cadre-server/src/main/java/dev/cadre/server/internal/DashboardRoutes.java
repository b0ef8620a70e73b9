package dev.cadre.server.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cadre.db.Page;
import dev.cadre.db.RunQuery;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The runs dashboard: a page at {@code /ui} with its scripts and styles under {@code /ui/assets/} (resources of this
 * jar, served to anyone: they hold nothing secret), and the JSON it reads under {@code /ui/api/} (same credentials as
 * every other route; under user isolation a caller sees only their own runs). Off, every {@code /ui} path is a 404.
 * Stateless and thread-safe.
 */
final class DashboardRoutes {

    /** The files of the page, by the name in their URL; nothing else under {@code /ui/assets/} is served. */
    private static final Map<String, String> ASSETS = Map.of(
            "dashboard.css", "text/css; charset=utf-8",
            "api.js", "text/javascript; charset=utf-8",
            "runs.js", "text/javascript; charset=utf-8",
            "detail.js", "text/javascript; charset=utf-8",
            "start.js", "text/javascript; charset=utf-8",
            "bulk.js", "text/javascript; charset=utf-8",
            "chart.js", "text/javascript; charset=utf-8",
            "app.js", "text/javascript; charset=utf-8");

    /**
     * Nothing but this server's own files: no inline script or style, no frames, no other origin. The page's scripts
     * only read from and post to this origin.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self'; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

    private final ServerSettings settings;

    DashboardRoutes(ServerSettings settings) {
        this.settings = settings;
    }

    /** Whether a request is for the page or one of its files, which need no credentials. */
    static boolean isStaticAsset(String method, String path) {
        if (!method.equalsIgnoreCase("GET")) {
            return false;
        }
        String p = path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
        return p.equals("/ui") || (p.startsWith("/ui/assets/") && ASSETS.containsKey(p.substring("/ui/assets/".length())));
    }

    void register(RoutesConfig r) {
        r.get("/ui", this::page);
        r.get("/ui/assets/{file}", this::asset);
        r.get("/ui/api/runs", this::runs);
        r.get("/ui/api/stats", this::stats);
        r.get("/ui/api/runs/{run_id}/live", this::live);
    }

    private void requireOn() {
        if (!settings.ui()) {
            throw new ApiException(404, "The runs dashboard is switched off on this server (server: {ui: false})");
        }
    }

    private void page(Context ctx) {
        requireOn();
        send(ctx, "index.html", "text/html; charset=utf-8");
    }

    private void asset(Context ctx) {
        requireOn();
        String file = ctx.pathParam("file");
        String type = ASSETS.get(file);
        if (type == null) {
            throw new ApiException(404, "No such file of the runs dashboard: " + Forms.printable(file));
        }
        send(ctx, file, type);
    }

    private static void send(Context ctx, String file, String contentType) {
        try (InputStream in = DashboardRoutes.class.getResourceAsStream("/dev/cadre/server/ui/" + file)) {
            if (in == null) {
                throw new IllegalStateException("The runs dashboard's " + file + " is missing from the jar");
            }
            ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
            ctx.header("X-Content-Type-Options", "nosniff");
            ctx.header("Referrer-Policy", "no-referrer");
            ctx.header("Cache-Control", "no-cache");
            ctx.status(200).contentType(contentType).result(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code GET /ui/api/runs?status=&component_id=&user_id=&page=&limit=}: top-level runs of every session, newest
     * first, as {@code {"data":[...],"meta":{page,limit,total_pages,total_count}}}.
     */
    private void runs(Context ctx) {
        requireOn();
        Optional<RunStatus> status = Forms.queryText(ctx, "status").filter(s -> !s.isBlank()).map(DashboardRoutes::status);
        Optional<String> component = Forms.queryId(ctx, "component_id");
        Optional<String> user = Forms.queryId(ctx, "user_id");
        int page = Queries.integer(ctx, "page", 1, 1, 1_000_000);
        int limit = Queries.integer(ctx, "limit", 50, 1, 1000);
        RunQuery q = new RunQuery(status, component, user, page, limit);
        // Under user isolation a caller's listing is narrowed to their own runs, whatever user_id says.
        Optional<String> scoped = Access.caller(ctx).scopedUserId();
        if (scoped.isPresent()) {
            if (user.isPresent() && !user.equals(scoped)) {
                Views.json(ctx, 200, listing(new Page<>(java.util.List.of(), page, limit, 0), q));
                return;
            }
            q = q.withUserId(scoped.get());
        }
        Views.json(ctx, 200, listing(settings.db().listRecentRuns(q), q));
    }

    /** {@code GET /ui/api/stats?component_id=&user_id=}: the chart's figures ({@link DashboardStats}). */
    private void stats(Context ctx) {
        requireOn();
        RunQuery q = new RunQuery(Optional.empty(), Forms.queryId(ctx, "component_id"), Forms.queryId(ctx, "user_id"),
                1, 1);
        Optional<String> scoped = Access.caller(ctx).scopedUserId();
        DashboardStats.Summaries reader = settings.db()::recentRunSummaries;
        if (scoped.isPresent()) {
            if (q.userId().isPresent() && !q.userId().equals(scoped)) {
                reader = (filter, since, limit) -> java.util.List.of(); // another user's: nothing to see
            }
            q = q.withUserId(scoped.get());
        }
        Views.json(ctx, 200, DashboardStats.lastHour(reader, q, java.time.Instant.now()));
    }

    /** {@code GET /ui/api/runs/{run_id}/live}: the content of a run in progress so far ({@link DashboardLive}). */
    private void live(Context ctx) {
        requireOn();
        String runId = Forms.pathId(ctx, "run_id");
        RunResult stored = settings.db().getRun(runId).filter(run -> Access.sees(ctx, run))
                .orElseThrow(() -> new ApiException(404, "Run not found"));
        Views.json(ctx, 200, DashboardLive.of(stored, settings.runManagers()));
    }

    private ObjectNode listing(Page<RunResult> runs, RunQuery q) {
        ObjectNode n = Views.obj();
        ArrayNode data = n.putArray("data");
        // In durable mode, the process running each run: one read for the page, not one per row.
        Map<String, String> owners = settings.execution() instanceof Execution.Durable
                ? settings.db().runOwners(runs.items().stream().map(RunResult::runId).toList()) : Map.of();
        for (RunResult r : runs.items()) {
            ObjectNode row = data.addObject();
            row.put("run_id", r.runId());
            row.put("status", r.status().name());
            row.put("component_type", r instanceof dev.cadre.run.TeamRunOutput ? "team" : "agent");
            row.put("component_id", r.componentId());
            row.put("component_name", r.componentName());
            row.put("session_id", r.sessionId());
            r.userId().ifPresentOrElse(u -> row.put("user_id", u), () -> row.putNull("user_id"));
            row.put("created_at", r.createdAt().toEpochMilli());
            r.metrics().duration().ifPresentOrElse(d -> row.put("duration_ms", d.toMillis()),
                    () -> row.putNull("duration_ms"));
            row.put("total_tokens", r.metrics().totalTokens());
            r.error().ifPresent(e -> row.put("error", e.message()));
            Optional.ofNullable(owners.get(r.runId())).ifPresent(owner -> row.put("instance_id", owner));
        }
        ObjectNode meta = n.putObject("meta");
        meta.put("page", q.page());
        meta.put("limit", q.limit());
        meta.put("total_pages", runs.totalPages());
        meta.put("total_count", runs.total());
        return n;
    }

    private static RunStatus status(String text) {
        try {
            return RunStatus.valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw Forms.validation("query", "enum", "status", "Input should be one of "
                    + Arrays.toString(RunStatus.values()), text);
        }
    }
}
