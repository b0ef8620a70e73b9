package dev.cadre.server.internal.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How requests are authenticated: not at all, with one shared security key, or with signed JWTs carrying scopes,
 * as an AgentOS server does. Immutable and thread-safe: one instance decides all requests concurrently.
 *
 * <p>In every mode an {@code OPTIONS} request (a CORS preflight) and a request to an excluded path are allowed as
 * {@link Caller#anonymous()}, whatever header they carry.
 */
public sealed interface Authenticator permits Authenticator.Open, Authenticator.SecurityKey, Authenticator.Jwt {

    /** The paths that need no credentials unless configured otherwise: the home page, probes, info and docs. */
    List<String> DEFAULT_EXCLUDED_PATHS = List.of("/", "/health", "/ready", "/info", "/docs", "/redoc",
            "/openapi.json", "/docs/oauth2-redirect");

    /** {@code "none"}, {@code "security_key"} or {@code "jwt"}, as AgentOS reports {@code auth_mode} on GET /info. */
    String mode();

    /**
     * Decides one request. Never throws for any header value; a refusal is a {@link Decision.Denied}.
     *
     * @param method        the HTTP method, e.g. {@code "GET"} (any case)
     * @param path          the request path; trailing slashes are ignored
     * @param authorization the raw {@code Authorization} header, if the request has one
     * @throws NullPointerException if an argument is null
     */
    Decision authenticate(String method, String path, Optional<String> authorization);

    /** Lets every request through as {@link Caller#anonymous()}. */
    static Authenticator open() {
        return Open.INSTANCE;
    }

    /**
     * Requires {@code key} as the bearer token (or the bare header value) on every request but preflights and the
     * {@link #DEFAULT_EXCLUDED_PATHS}. The comparison takes time independent of where the values differ.
     *
     * @throws IllegalArgumentException if the key is blank
     * @throws NullPointerException     if the key is null
     */
    static Authenticator securityKey(String key) {
        return new SecurityKey(key);
    }

    /**
     * Requires a JWT signed by one of the configured keys, and (with authorization on) the scopes each route
     * needs. Loads all key material now, reading the JWKS file if one is configured.
     *
     * @throws IllegalArgumentException with an actionable message naming the key (never quoting it) when any key
     *                                  material is unusable: a short HMAC secret, a private key, an unreadable PEM
     *                                  or JWKS file, a key that cannot verify the configured algorithm
     * @throws NullPointerException     if the settings are null
     */
    static Authenticator jwt(JwtSettings settings) {
        return new Jwt(settings, Clock.systemUTC());
    }

    /** The bearer token of an {@code Authorization} value: after "Bearer " (any case) or the whole value, trimmed. */
    private static String token(Optional<String> authorization) {
        String value = authorization.orElse("");
        return value.regionMatches(true, 0, "bearer ", 0, 7) ? value.substring(7).strip() : value.strip();
    }

    private static boolean preflight(String method) {
        return RequestPaths.method(method).equals("OPTIONS");
    }

    private static boolean excluded(List<Pattern> excluded, String path) {
        String normalized = RequestPaths.normalize(path);
        return excluded.stream().anyMatch(p -> p.matcher(path).matches() || p.matcher(normalized).matches());
    }

    private static List<Pattern> patterns(List<String> globs) {
        return globs.stream().map(RequestPaths::glob).toList();
    }

    /** No authentication. */
    final class Open implements Authenticator {

        private static final Open INSTANCE = new Open();

        private Open() {
        }

        @Override
        public String mode() {
            return "none";
        }

        @Override
        public Decision authenticate(String method, String path, Optional<String> authorization) {
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(authorization, "authorization");
            return new Decision.Allowed(Caller.anonymous());
        }

        @Override
        public String toString() {
            return "Authenticator[none]";
        }
    }

    /** One shared secret, AgentOS's {@code OS_SECURITY_KEY}. */
    final class SecurityKey implements Authenticator {

        private static final List<Pattern> EXCLUDED = patterns(DEFAULT_EXCLUDED_PATHS);

        private final byte[] key;

        private SecurityKey(String key) {
            Objects.requireNonNull(key, "key");
            if (key.isBlank()) {
                throw new IllegalArgumentException("The security key is blank");
            }
            this.key = key.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String mode() {
            return "security_key";
        }

        @Override
        public Decision authenticate(String method, String path, Optional<String> authorization) {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(authorization, "authorization");
            if (preflight(method) || excluded(EXCLUDED, path)) {
                return new Decision.Allowed(Caller.anonymous());
            }
            String token = token(authorization);
            if (token.isEmpty()) {
                return new Decision.Denied(401, "Authorization header required");
            }
            return MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8), key)
                    ? new Decision.Allowed(Caller.anonymous())
                    : new Decision.Denied(401, "Invalid authentication token");
        }

        @Override
        public String toString() {
            return "Authenticator[security_key]";
        }
    }

    /** Signed JWTs, with optional scope enforcement (RBAC) and per-user data isolation. */
    final class Jwt implements Authenticator {

        private final JwtSettings settings;
        private final TokenVerifier verifier;
        private final List<Pattern> excluded;

        /** Builds the authenticator with {@code clock} as the time tokens are checked against. */
        Jwt(JwtSettings settings, Clock clock) {
            this.settings = Objects.requireNonNull(settings, "settings");
            this.verifier = new TokenVerifier(KeyRing.load(settings), settings, clock);
            this.excluded = patterns(settings.excludedPaths());
        }

        @Override
        public String mode() {
            return "jwt";
        }

        /** The settings this authenticator was built with. */
        public JwtSettings settings() {
            return settings;
        }

        @Override
        public Decision authenticate(String method, String path, Optional<String> authorization) {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(authorization, "authorization");
            if (preflight(method) || excluded(excluded, path)) {
                return new Decision.Allowed(Caller.anonymous());
            }
            String token = token(authorization);
            if (token.isEmpty()) {
                return new Decision.Denied(401, "Authorization header missing");
            }
            Map<String, Object> claims;
            try {
                claims = verifier.verify(token);
            } catch (TokenVerifier.Rejected rejected) {
                return switch (rejected.kind()) {
                    case EXPIRED -> new Decision.Denied(401, "Token has expired");
                    case AUDIENCE -> new Decision.Denied(401,
                            "Invalid token audience - token not valid for this AgentOS instance");
                    case INVALID -> new Decision.Denied(401, "Invalid token: " + rejected.reason());
                };
            }
            Optional<String> userId = claims.get("sub") instanceof String s && !s.isEmpty()
                    ? Optional.of(s) : Optional.empty();
            if (userId.isPresent() && reserved(userId.get())) {
                // Server-assigned identities (service accounts, the scheduler, OAuth clients) must never be
                // claimable by a token holder, or they could act and be audited as that principal.
                return new Decision.Denied(401, "Invalid token subject");
            }
            Optional<String> sessionId = claims.get("session_id") instanceof String s
                    ? Optional.of(s) : Optional.empty();
            List<String> scopes = scopes(claims.get("scopes"));
            boolean admin = scopes.contains(settings.adminScope());
            boolean isolated = settings.userIsolation() && !admin && userId.isPresent();
            Caller caller = new Caller(userId, sessionId, scopes, admin, isolated, settings.authorization());
            if (settings.authorization()) {
                RouteScopes.Check check = RouteScopes.check(method, path, scopes, settings.adminScope());
                if (!check.allowed()) {
                    return new Decision.Denied(403,
                            "Insufficient permissions. Required scope(s): " + String.join(", ", check.required()));
                }
            }
            return new Decision.Allowed(caller);
        }

        /** Whether a subject names an identity only the server assigns. */
        static boolean reserved(String subject) {
            return subject.startsWith("sa:") || subject.startsWith("__oauth__:") || subject.equals("__scheduler__");
        }

        /** The {@code scopes} claim: a list (its strings), a single string as a one-element list, else none. */
        private static List<String> scopes(Object claim) {
            if (claim instanceof String s) {
                return List.of(s);
            }
            if (claim instanceof List<?> list) {
                return list.stream().filter(String.class::isInstance).map(String.class::cast).toList();
            }
            return List.of();
        }

        @Override
        public String toString() {
            return "Authenticator[jwt, " + settings + "]";
        }
    }
}
