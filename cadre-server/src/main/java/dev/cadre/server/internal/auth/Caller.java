package dev.cadre.server.internal.auth;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Who made a request and what they may do, as established by an {@link Authenticator}. Immutable and thread-safe.
 *
 * @param userId        the token's subject ({@code sub}); empty without a token or without a subject
 * @param sessionId     the token's {@code session_id} claim, when it is a string
 * @param scopes        the token's scopes, in token order
 * @param admin         whether the caller holds the configured admin scope
 * @param isolated      whether the caller's data is scoped to {@code userId}: JWT mode with user isolation on, a
 *                      non-admin caller, and a user id present
 * @param authorization whether scopes are enforced for this caller (RBAC on); when off, {@link #can} and
 *                      {@link #mayList} allow everything
 */
public record Caller(Optional<String> userId, Optional<String> sessionId, List<String> scopes, boolean admin,
        boolean isolated, boolean authorization) {

    private static final Caller ANONYMOUS = new Caller(Optional.empty(), Optional.empty(), List.of(), false, false,
            false);

    private static final Set<String> LISTING_ACTIONS = Set.of("read", "run");

    /**
     * Copies {@code scopes}.
     *
     * @throws NullPointerException     if any argument or scope is null
     * @throws IllegalArgumentException if {@code isolated} is set for an admin or without a user id, since there
     *                                  would be nobody to scope the data to
     */
    public Caller {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(sessionId, "sessionId");
        scopes = List.copyOf(scopes);
        if (isolated && (admin || userId.isEmpty())) {
            throw new IllegalArgumentException("only a non-admin caller with a user id can be isolated");
        }
    }

    /**
     * The caller of an open server, of a server guarded by a security key, and of an excluded path: no user id,
     * no scopes, not isolated, and no scope enforcement, so it reaches everything an admin does (without being
     * reported as an admin). Always the same instance.
     */
    public static Caller anonymous() {
        return ANONYMOUS;
    }

    /**
     * Whether the caller may perform {@code action} on one resource, e.g. {@code can("teams", "research-team",
     * "run")}: always for an admin or when authorization is off; otherwise when a scope grants that action on every
     * resource of the type ({@code teams:run}, {@code teams:*:run}) or on this one ({@code teams:research-team:run}).
     *
     * @throws NullPointerException if an argument is null
     */
    public boolean can(String resourceType, String resourceId, String action) {
        Objects.requireNonNull(resourceType, "resourceType");
        Objects.requireNonNull(resourceId, "resourceId");
        Objects.requireNonNull(action, "action");
        return !authorization || admin || Scopes.reaches(scopes, resourceType, resourceId, Set.of(action));
    }

    /** The user id to scope data to: present only when the caller is {@link #isolated}. */
    public Optional<String> scopedUserId() {
        return isolated ? userId : Optional.empty();
    }

    /**
     * Whether a listing of {@code resourceType} ({@code GET /agents}, {@code GET /teams}) shows the resource
     * {@code resourceId}: always for an admin or when authorization is off; otherwise when the caller holds the
     * global scope ({@code agents:read}), a wildcard ({@code agents:*:read}, {@code agents:*:run}), or a scope for
     * this resource with action {@code read} or {@code run}.
     *
     * @throws NullPointerException if an argument is null
     */
    public boolean mayList(String resourceType, String resourceId) {
        Objects.requireNonNull(resourceType, "resourceType");
        Objects.requireNonNull(resourceId, "resourceId");
        return !authorization || admin || Scopes.reaches(scopes, resourceType, resourceId, LISTING_ACTIONS);
    }
}
