package dev.cadre.server.internal.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The scopes each Cadre route requires when authorization (RBAC) is on, and the AgentOS rule that checks a caller's
 * scopes against them. Stateless and thread-safe.
 *
 * <p>Routes match on method and path, where {@code *} is one path segment and a final {@code **} one or more; the
 * first exact route wins, else the first matching pattern in table order. Routes not in the table require nothing:
 * {@code POST /runs/{id}/cancel} is deliberately absent because only its handler learns whether the run belongs to
 * an agent or a team, and checks {@code agents:run} / {@code teams:run} itself with {@link Caller#can}.
 */
public final class RouteScopes {

    private record Route(String method, List<String> pattern, boolean exact, List<String> scopes) {
    }

    private static final List<Route> ROUTES = table();

    private static List<Route> table() {
        List<Route> routes = new ArrayList<>();
        route(routes, "GET /config", "config:read");
        route(routes, "GET /models", "config:read");
        for (String family : List.of("agents", "teams")) {
            route(routes, "GET /" + family, family + ":read");
            // Deeper reads (a run of the component) are reads of the component too.
            route(routes, "GET /" + family + "/**", family + ":read");
            route(routes, "POST /" + family + "/*/runs", family + ":run");
            for (String step : List.of("continue", "cancel", "resume")) {
                route(routes, "POST /" + family + "/*/runs/*/" + step, family + ":run");
            }
        }
        route(routes, "GET /sessions", "sessions:read");
        route(routes, "GET /sessions/**", "sessions:read");
        route(routes, "POST /sessions", "sessions:write");
        route(routes, "POST /sessions/*/rename", "sessions:write");
        // AgentOS globs let "/sessions/*" reach deeper paths; "**" keeps that, so no deeper write goes unguarded.
        route(routes, "PATCH /sessions/**", "sessions:write");
        route(routes, "DELETE /sessions", "sessions:delete");
        route(routes, "DELETE /sessions/**", "sessions:delete");
        route(routes, "GET /runs/**", "sessions:read");
        route(routes, "GET /ui/api/**", "sessions:read"); // the runs dashboard's listing: runs are sessions' data
        route(routes, "GET /memories", "memories:read");
        route(routes, "GET /memories/**", "memories:read");
        route(routes, "GET /memory_topics", "memories:read");
        route(routes, "GET /user_memory_stats", "memories:read");
        route(routes, "POST /memories", "memories:write");
        route(routes, "PATCH /memories/**", "memories:write");
        route(routes, "POST /optimize-memories", "memories:write");
        route(routes, "DELETE /memories", "memories:delete");
        route(routes, "DELETE /memories/**", "memories:delete");
        route(routes, "GET /metrics", "metrics:read");
        route(routes, "GET /metrics/**", "metrics:read");
        route(routes, "POST /metrics/refresh", "metrics:write");
        return List.copyOf(routes);
    }

    private static void route(List<Route> routes, String key, String... scopes) {
        int space = key.indexOf(' ');
        String path = key.substring(space + 1);
        routes.add(new Route(key.substring(0, space), RequestPaths.segments(path), !path.contains("*"),
                List.of(scopes)));
    }

    private RouteScopes() {
    }

    /**
     * The scopes a request needs, empty when the route requires none.
     *
     * @param method the HTTP method, any case
     * @param path   the request path; trailing slashes are ignored
     * @throws NullPointerException if an argument is null
     */
    public static List<String> requiredScopes(String method, String path) {
        String m = RequestPaths.method(method);
        List<String> segments = RequestPaths.segments(RequestPaths.normalize(path));
        Optional<Route> exact = ROUTES.stream()
                .filter(r -> r.exact() && r.method().equals(m) && r.pattern().equals(segments)).findFirst();
        return exact.or(() -> ROUTES.stream()
                        .filter(r -> !r.exact() && r.method().equals(m) && RequestPaths.matchesRoute(r.pattern(), segments))
                        .findFirst())
                .map(Route::scopes).orElse(List.of());
    }

    /** The outcome of checking a caller against a route. {@code required} is what a 403 names. */
    record Check(boolean allowed, List<String> required) {
    }

    /**
     * Checks {@code scopes} against the route. A GET listing of agents or teams (the path names the type but no id,
     * and the route requires a scope of that type) is allowed even without the global scope, because its handler
     * filters the listing with {@link Caller#mayList}: a caller holding only per-resource scopes gets the resources
     * it may see, possibly none, instead of a 403.
     */
    static Check check(String method, String path, List<String> scopes, String adminScope) {
        String m = RequestPaths.method(method);
        String p = RequestPaths.normalize(path);
        List<String> required = requiredScopes(m, p);
        if (required.isEmpty()) {
            return new Check(true, required);
        }
        Map.Entry<String, String> context = resourceContext(p);
        String type = context.getKey();
        String id = context.getValue();
        boolean allowed = Scopes.hasRequired(scopes, required, type, id, adminScope);
        if (!allowed && m.equals("GET") && id.isEmpty() && !type.isEmpty() && family(required.getFirst()).equals(type)) {
            allowed = true;
        }
        return new Check(allowed, required);
    }

    private static final Set<String> RESOURCE_TYPES = Set.of("agents", "teams", "workflows");

    /**
     * The resource type and id a path is about, each empty when absent: {@code /agents/web/runs} is
     * ({@code agents}, {@code web}); {@code /agents} is ({@code agents}, empty); {@code /sessions/s1} is neither,
     * since only components carry per-resource scopes.
     */
    static Map.Entry<String, String> resourceContext(String normalizedPath) {
        List<String> segments = RequestPaths.segments(normalizedPath);
        if (segments.isEmpty() || !RESOURCE_TYPES.contains(segments.getFirst())) {
            return Map.entry("", "");
        }
        return Map.entry(segments.getFirst(), segments.size() > 1 ? segments.get(1) : "");
    }

    private static String family(String scope) {
        int colon = scope.indexOf(':');
        return colon < 0 ? "" : scope.substring(0, colon);
    }
}
