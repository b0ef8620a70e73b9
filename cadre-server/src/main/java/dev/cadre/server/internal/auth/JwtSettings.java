package dev.cadre.server.internal.auth;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How {@link Authenticator#jwt} verifies tokens and enforces scopes. Immutable and thread-safe; build one with
 * {@link #builder()}. The record checks the settings' shape; the key material itself is checked when the
 * authenticator is built.
 *
 * @param verificationKeys each an HMAC secret (HS256) or a PEM public key ({@code BEGIN PUBLIC KEY}, RSA or EC),
 *                         PKCS#1 RSA public key or X.509 certificate; tried in order after the JWKS keys
 * @param jwksFile         a static JWKS file; its keys are looked up by the token's {@code kid}, and a key without a
 *                         {@code kid} serves tokens whose {@code kid} matches no key
 * @param algorithm        the one algorithm every key must verify; when empty, each key's own: HS256 for a secret,
 *                         RS256 for RSA, ES256/ES384/ES512 for EC P-256/P-384/P-521, a JWKS key's {@code alg}
 * @param authorization    whether routes' scopes are enforced (RBAC)
 * @param userIsolation    whether a non-admin caller's data is scoped to its user id
 * @param verifyAudience   whether a token's {@code aud} must name an expected audience
 * @param audience         the expected audiences; when empty, {@code osId} is the one expected
 * @param osId             this server's id, the default expected audience; empty when unknown
 * @param adminScope       the scope that grants everything
 * @param leeway           clock skew tolerated on {@code exp}, {@code nbf} and {@code iat}
 * @param excludedPaths    paths that need no token, as shell patterns ({@code *} matches anything)
 */
public record JwtSettings(List<String> verificationKeys, Optional<Path> jwksFile, Optional<String> algorithm,
        boolean authorization, boolean userIsolation, boolean verifyAudience, List<String> audience, String osId,
        String adminScope, Duration leeway, List<String> excludedPaths) {

    /** The admin scope unless configured otherwise. */
    public static final String DEFAULT_ADMIN_SCOPE = "agent_os:admin";

    /** The clock skew tolerated unless configured otherwise. */
    public static final Duration DEFAULT_LEEWAY = Duration.ofSeconds(10);

    /** The algorithms a token may be signed with. Never {@code none}. */
    static final Set<String> SUPPORTED_ALGORITHMS = Set.of("HS256", "HS384", "HS512", "RS256", "RS384", "RS512",
            "PS256", "PS384", "PS512", "ES256", "ES384", "ES512");

    /**
     * Copies the lists and upper-cases the algorithm.
     *
     * @throws NullPointerException     if an argument or a list element is null
     * @throws IllegalArgumentException if no key source is given, a key or audience is blank, the algorithm is not
     *                                  supported, the leeway is negative, the admin scope is blank, or audience
     *                                  verification is on with neither an audience nor an OS id to expect
     */
    public JwtSettings {
        verificationKeys = List.copyOf(verificationKeys);
        Objects.requireNonNull(jwksFile, "jwksFile");
        Objects.requireNonNull(algorithm, "algorithm");
        audience = List.copyOf(audience);
        Objects.requireNonNull(osId, "osId");
        Objects.requireNonNull(adminScope, "adminScope");
        Objects.requireNonNull(leeway, "leeway");
        excludedPaths = List.copyOf(excludedPaths);
        for (int i = 0; i < verificationKeys.size(); i++) {
            if (verificationKeys.get(i).isBlank()) {
                throw new IllegalArgumentException("JWT verification key #" + (i + 1) + " is blank");
            }
        }
        if (verificationKeys.isEmpty() && jwksFile.isEmpty()) {
            throw new IllegalArgumentException(
                    "JWT authentication needs at least one verification key (an HMAC secret or a PEM public key) "
                            + "or a JWKS file");
        }
        algorithm = algorithm.map(a -> a.strip().toUpperCase(Locale.ROOT));
        if (algorithm.isPresent() && !SUPPORTED_ALGORITHMS.contains(algorithm.get())) {
            throw new IllegalArgumentException("Unsupported JWT algorithm '" + algorithm.get() + "': use one of "
                    + String.join(", ", SUPPORTED_ALGORITHMS.stream().sorted().toList())
                    + ", or leave it unset to derive it from each key");
        }
        if (audience.stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException("A JWT audience is blank");
        }
        if (adminScope.isBlank()) {
            throw new IllegalArgumentException("The admin scope is blank");
        }
        if (leeway.isNegative()) {
            throw new IllegalArgumentException("The JWT leeway is negative: " + leeway);
        }
        if (verifyAudience && audience.isEmpty() && osId.isBlank()) {
            throw new IllegalArgumentException(
                    "JWT audience verification is on but there is nothing to expect: set an audience or the OS id");
        }
    }

    /** The audiences a token's {@code aud} must name one of: the configured ones, else the OS id. */
    public List<String> expectedAudiences() {
        return audience.isEmpty() ? List.of(osId) : audience;
    }

    /** Names the key sources without their material, so secrets never reach a log. */
    @Override
    public String toString() {
        return "JwtSettings[verificationKeys=" + verificationKeys.size() + " key(s), jwksFile=" + jwksFile
                + ", algorithm=" + algorithm + ", authorization=" + authorization + ", userIsolation=" + userIsolation
                + ", verifyAudience=" + verifyAudience + ", audience=" + audience + ", osId=" + osId
                + ", adminScope=" + adminScope + ", leeway=" + leeway + ", excludedPaths=" + excludedPaths + "]";
    }

    /** A builder with the defaults: RBAC and user isolation on, no audience check, the default exclusions. */
    public static Builder builder() {
        return new Builder();
    }

    /** Collects settings for {@link JwtSettings}. Not thread-safe; each {@link #build()} answers a new record. */
    public static final class Builder {

        private final List<String> verificationKeys = new ArrayList<>();
        private Optional<Path> jwksFile = Optional.empty();
        private Optional<String> algorithm = Optional.empty();
        private boolean authorization = true;
        private boolean userIsolation = true;
        private boolean verifyAudience;
        private List<String> audience = List.of();
        private String osId = "";
        private String adminScope = DEFAULT_ADMIN_SCOPE;
        private Duration leeway = DEFAULT_LEEWAY;
        private List<String> excludedPaths = Authenticator.DEFAULT_EXCLUDED_PATHS;

        private Builder() {
        }

        /**
         * Adds a key, tried after those added before.
         *
         * @throws NullPointerException if {@code key} is null (every setter refuses null the same way)
         */
        public Builder verificationKey(String key) {
            verificationKeys.add(Objects.requireNonNull(key, "key"));
            return this;
        }

        /** Adds keys, tried in order after those added before. */
        public Builder verificationKeys(List<String> keys) {
            keys.forEach(this::verificationKey);
            return this;
        }

        /** Sets the static JWKS file, read when the authenticator is built. */
        public Builder jwksFile(Path file) {
            jwksFile = Optional.of(file);
            return this;
        }

        /** Forces one algorithm for every key, e.g. {@code "RS256"}. */
        public Builder algorithm(String name) {
            algorithm = Optional.of(name);
            return this;
        }

        /** Whether routes' scopes are enforced (default on). */
        public Builder authorization(boolean enforceScopes) {
            authorization = enforceScopes;
            return this;
        }

        /** Whether a non-admin caller's data is scoped to its user id (default on). */
        public Builder userIsolation(boolean isolate) {
            userIsolation = isolate;
            return this;
        }

        /** Whether a token's {@code aud} must name an expected audience (default off). */
        public Builder verifyAudience(boolean verify) {
            verifyAudience = verify;
            return this;
        }

        /** Replaces the expected audiences; none means the OS id is expected. */
        public Builder audience(List<String> expected) {
            audience = List.copyOf(expected);
            return this;
        }

        /** Replaces the expected audiences; none means the OS id is expected. */
        public Builder audience(String... expected) {
            return audience(List.of(expected));
        }

        /** Sets this server's id, the audience expected when none is configured. */
        public Builder osId(String id) {
            osId = Objects.requireNonNull(id, "id");
            return this;
        }

        /** Replaces the scope that grants everything (default {@value JwtSettings#DEFAULT_ADMIN_SCOPE}). */
        public Builder adminScope(String scope) {
            adminScope = Objects.requireNonNull(scope, "scope");
            return this;
        }

        /** Sets the clock skew tolerated on time claims (default 10 s). */
        public Builder leeway(Duration skew) {
            leeway = Objects.requireNonNull(skew, "skew");
            return this;
        }

        /** Replaces the excluded paths (the defaults are {@link Authenticator#DEFAULT_EXCLUDED_PATHS}). */
        public Builder excludedPaths(List<String> paths) {
            excludedPaths = List.copyOf(paths);
            return this;
        }

        /** @throws IllegalArgumentException as {@link JwtSettings#JwtSettings} does */
        public JwtSettings build() {
            return new JwtSettings(verificationKeys, jwksFile, algorithm, authorization, userIsolation,
                    verifyAudience, audience, osId, adminScope, leeway, excludedPaths);
        }
    }
}
