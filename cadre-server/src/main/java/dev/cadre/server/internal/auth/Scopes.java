package dev.cadre.server.internal.auth;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The AgentOS scope grammar and its matching rules.
 *
 * <p>A scope is one of: the admin scope (grants everything); {@code resource:action}, a global scope over every
 * resource of a type ({@code agents:read}); {@code resource:id:action}, a per-resource scope
 * ({@code agents:web-agent:run}), where the id {@code *} stands for every resource of the type. Anything else never
 * matches. The legacy resource name {@code system} is read as {@code config}, so tokens minted before that rename
 * keep working. Stateless and thread-safe.
 */
final class Scopes {

    /** What {@link #accessibleIds} answers when every resource of the type is accessible. */
    static final String ALL = "*";

    private Scopes() {
    }

    enum Kind { ADMIN, GLOBAL, PER_RESOURCE, UNKNOWN }

    /** One parsed scope. {@code resourceId} is empty for a global scope; {@code "*"} for a wildcard one. */
    record Scope(Kind kind, String resource, String resourceId, String action) {

        boolean hasResourceId() {
            // An empty id ("agents::read") carries no id at all, exactly like a global scope.
            return !resourceId.isEmpty();
        }

        boolean wildcard() {
            return resourceId.equals(ALL);
        }
    }

    /**
     * Parses one scope string.
     *
     * @param adminScope the scope that grants everything, or {@code null} when no string should be read as admin
     *                   (callers that already know whether the holder is an admin pass {@code null}, so a default
     *                   admin string can never grant admin where a custom one is configured)
     */
    static Scope parse(String raw, String adminScope) {
        if (adminScope != null && raw.equals(adminScope)) {
            return new Scope(Kind.ADMIN, "", "", "");
        }
        String[] parts = raw.split(":", -1);
        return switch (parts.length) {
            case 2 -> new Scope(Kind.GLOBAL, alias(parts[0]), "", parts[1]);
            case 3 -> new Scope(Kind.PER_RESOURCE, alias(parts[0]), parts[1], parts[2]);
            default -> new Scope(Kind.UNKNOWN, "", "", "");
        };
    }

    private static String alias(String resource) {
        return resource.equals("system") ? "config" : resource;
    }

    /**
     * Whether {@code granted} satisfies {@code required} for the resource {@code resourceId} (empty when the request
     * names no resource). A required per-resource scope is met by the global scope, the wildcard, or the scope for
     * that very id; a required global scope only by the global scope or the wildcard.
     */
    static boolean matches(Scope granted, Scope required, String resourceId) {
        if (granted.kind() == Kind.ADMIN) {
            return true;
        }
        if (granted.kind() == Kind.UNKNOWN || required.kind() == Kind.UNKNOWN || required.kind() == Kind.ADMIN) {
            return false;
        }
        if (!granted.resource().equals(required.resource()) || !granted.action().equals(required.action())) {
            return false;
        }
        if (required.hasResourceId()) {
            return granted.wildcard() || !granted.hasResourceId() || granted.resourceId().equals(resourceId);
        }
        return !granted.hasResourceId() || granted.wildcard();
    }

    /**
     * Whether {@code granted} satisfies every scope in {@code required} on a request about {@code resourceType} /
     * {@code resourceId} (both empty when the path names none). A required {@code resource:action} on a request
     * naming a resource id becomes the per-resource requirement for that id, so {@code agents:run} on
     * {@code /agents/web/runs} is met by {@code agents:run}, {@code agents:*:run} or {@code agents:web:run}.
     */
    static boolean hasRequired(List<String> granted, List<String> required, String resourceType, String resourceId,
            String adminScope) {
        if (required.isEmpty()) {
            return true;
        }
        List<Scope> parsed = granted.stream().map(s -> parse(s, adminScope)).toList();
        if (parsed.stream().anyMatch(s -> s.kind() == Kind.ADMIN)) {
            return true;
        }
        for (String requirement : required) {
            String[] parts = requirement.split(":", -1);
            Scope wanted = parts.length == 2 && !resourceId.isEmpty() && !resourceType.isEmpty()
                    ? new Scope(Kind.PER_RESOURCE, resourceType, "<resource-id>", parts[1])
                    : parse(requirement, adminScope);
            if (parsed.stream().noneMatch(s -> matches(s, wanted, resourceId))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The ids of the {@code resourceType} resources that {@code granted} reaches with one of {@code actions}, or the
     * set holding only {@link #ALL} when they reach every one (admin, a global scope, or a wildcard).
     */
    static Set<String> accessibleIds(List<String> granted, String resourceType, String adminScope,
            Set<String> actions) {
        List<Scope> parsed = granted.stream().map(s -> parse(s, adminScope)).toList();
        Set<String> ids = new HashSet<>();
        for (Scope scope : parsed) {
            if (scope.kind() == Kind.ADMIN) {
                return Set.of(ALL);
            }
            if (!scope.resource().equals(resourceType) || !actions.contains(scope.action())) {
                continue;
            }
            if (!scope.hasResourceId() || scope.wildcard()) {
                return Set.of(ALL);
            }
            ids.add(scope.resourceId());
        }
        return Set.copyOf(ids);
    }

    /** Whether {@code granted} reaches the resource {@code resourceId} with one of {@code actions}. */
    static boolean reaches(List<String> granted, String resourceType, String resourceId, Set<String> actions) {
        Set<String> ids = accessibleIds(granted, resourceType, null, actions);
        return ids.contains(ALL) || ids.contains(resourceId);
    }
}
