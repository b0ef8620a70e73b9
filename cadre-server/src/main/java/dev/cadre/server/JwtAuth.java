package dev.cadre.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * JWT authentication for a {@link CadreServer}, as AgentOS does it: every request (except {@code /},
 * {@code /health}, {@code /ready}, {@code /info} and CORS preflights) carries {@code Authorization: Bearer
 * <token>} signed by one of the keys; the token's {@code sub} is the user, its {@code scopes} claim says what
 * the user may do ({@code agents:run}, {@code teams:read}, {@code sessions:read}, {@code sessions:write},
 * {@code sessions:delete}, per-resource {@code agents:<id>:run}, wildcards {@code agents:*:run}, and the admin
 * scope {@code agent_os:admin}, which grants everything), and — unless switched off — each user sees, runs in,
 * cancels and deletes only their own sessions and runs.
 *
 * <pre>{@code
 * CadreServer.builder().jwt(JwtAuth.builder().verificationKey(System.getenv("JWT_VERIFICATION_KEY")).build())
 * }</pre>
 *
 * <p>A key is an HMAC secret of at least 32 bytes (tokens signed HS256) or a PEM-encoded RSA or EC public key
 * or certificate (RS256, or ES256/ES384/ES512 by curve); a JWKS file may hold several keys, chosen by the
 * token's {@code kid}. Unsigned tokens ({@code alg: none}) and tokens signed with an algorithm other than the
 * key's are always refused. Immutable.
 */
public final class JwtAuth {

    private final List<String> verificationKeys;
    private final Optional<Path> jwksFile;
    private final Optional<String> algorithm;
    private final boolean authorization;
    private final boolean userIsolation;
    private final boolean verifyAudience;
    private final List<String> audience;
    private final Optional<String> adminScope;
    private final Optional<Duration> leeway;

    private JwtAuth(Builder b) {
        this.verificationKeys = List.copyOf(b.verificationKeys);
        this.jwksFile = b.jwksFile;
        this.algorithm = b.algorithm;
        this.authorization = b.authorization;
        this.userIsolation = b.userIsolation;
        this.verifyAudience = b.verifyAudience;
        this.audience = List.copyOf(b.audience);
        this.adminScope = b.adminScope;
        this.leeway = b.leeway;
        if (verificationKeys.isEmpty() && jwksFile.isEmpty()) {
            throw new IllegalArgumentException("JWT authentication needs a verification key (an HMAC secret or a PEM"
                    + " public key, as in JWT_VERIFICATION_KEY) or a JWKS file (as in JWT_JWKS_FILE)");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<String> verificationKeys() {
        return verificationKeys;
    }

    public Optional<Path> jwksFile() {
        return jwksFile;
    }

    public Optional<String> algorithm() {
        return algorithm;
    }

    /** Whether scopes are enforced (403 when one is missing); on unless switched off. */
    public boolean authorization() {
        return authorization;
    }

    /** Whether users are kept apart; on unless switched off. */
    public boolean userIsolation() {
        return userIsolation;
    }

    public boolean verifyAudience() {
        return verifyAudience;
    }

    public List<String> audience() {
        return audience;
    }

    public Optional<String> adminScope() {
        return adminScope;
    }

    public Optional<Duration> leeway() {
        return leeway;
    }

    /** Never prints key material. */
    @Override
    public String toString() {
        return "JwtAuth[" + verificationKeys.size() + " key(s)" + jwksFile.map(f -> ", jwks " + f).orElse("")
                + ", authorization " + authorization + ", userIsolation " + userIsolation + "]";
    }

    /** Configures {@link JwtAuth}. Not thread-safe. */
    public static final class Builder {
        private final List<String> verificationKeys = new ArrayList<>();
        private Optional<Path> jwksFile = Optional.empty();
        private Optional<String> algorithm = Optional.empty();
        private boolean authorization = true;
        private boolean userIsolation = true;
        private boolean verifyAudience;
        private final List<String> audience = new ArrayList<>();
        private Optional<String> adminScope = Optional.empty();
        private Optional<Duration> leeway = Optional.empty();

        private Builder() {
        }

        /** An HMAC secret (HS256, at least 32 bytes) or a PEM public key or certificate; may be given several times. */
        public Builder verificationKey(String key) {
            verificationKeys.add(Objects.requireNonNull(key, "key"));
            return this;
        }

        /** A static JWKS file (JSON with a {@code keys} array); keys are chosen by the token's {@code kid}. */
        public Builder jwksFile(Path file) {
            this.jwksFile = Optional.of(file);
            return this;
        }

        /** The one algorithm tokens must use (for example {@code RS256}); by default each key's own. */
        public Builder algorithm(String algorithm) {
            this.algorithm = Optional.of(algorithm);
            return this;
        }

        /** Whether to enforce scopes (default true). Off, any valid token may call every route. */
        public Builder authorization(boolean enforce) {
            this.authorization = enforce;
            return this;
        }

        /**
         * Whether a user sees only their own sessions and runs (default true). An admin (the admin scope) always
         * sees everything.
         */
        public Builder userIsolation(boolean isolate) {
            this.userIsolation = isolate;
            return this;
        }

        /**
         * Requires the token's {@code aud} to name one of {@code expected}, or this server's id when none is
         * given.
         */
        public Builder verifyAudience(String... expected) {
            this.verifyAudience = true;
            this.audience.addAll(List.of(expected));
            return this;
        }

        /** The scope that grants everything; {@code agent_os:admin} by default. */
        public Builder adminScope(String scope) {
            this.adminScope = Optional.of(scope);
            return this;
        }

        /** The clock skew tolerated on {@code exp} and {@code nbf}; 10 seconds by default. */
        public Builder leeway(Duration leeway) {
            this.leeway = Optional.of(leeway);
            return this;
        }

        /**
         * @throws IllegalArgumentException when there is neither a key nor a JWKS file (unusable key material is
         *     reported when the server is built)
         */
        public JwtAuth build() {
            return new JwtAuth(this);
        }
    }
}
