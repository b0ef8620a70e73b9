package dev.cadre.server.internal.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Verifies a compact JWS token against a {@link KeyRing} and checks its registered claims. Immutable and
 * thread-safe.
 *
 * <p>Rejection reasons follow PyJWT's wording, which AgentOS clients see after {@code "Invalid token: "}; they are
 * fixed strings, so no key material, token content, class name or stack trace can reach a client.
 */
final class TokenVerifier {

    /** Why a token was refused. Carries no stack trace: it is an expected outcome, not a fault. */
    static final class Rejected extends Exception {

        private static final long serialVersionUID = 1L;

        enum Kind { EXPIRED, INVALID, AUDIENCE }

        private final Kind kind;

        Rejected(Kind kind, String reason) {
            super(reason, null, false, false);
            this.kind = kind;
        }

        Kind kind() {
            return kind;
        }

        /** The short, client-safe reason. */
        String reason() {
            return getMessage();
        }
    }

    static final String MISSING_AUDIENCE = "Token is missing the \"aud\" claim. Audience verification requires this "
            + "claim to be present in the token.";

    private final KeyRing keys;
    private final JwtSettings settings;
    private final Clock clock;

    TokenVerifier(KeyRing keys, JwtSettings settings, Clock clock) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The token's claims, once its signature verifies with a key pinned to the token's algorithm and its time,
     * subject, id and (when configured) audience claims pass.
     *
     * <p>Keys are tried as {@link KeyRing#candidates} orders them. The first key whose signature check succeeds
     * decides: a claim failure then is final (an expired token is reported as expired), since another key cannot
     * make the same claims valid.
     *
     * @throws Rejected with a client-safe reason when the token is not accepted
     */
    Map<String, Object> verify(String token) throws Rejected {
        String[] parts = token.split("\\.", -1);
        if (parts.length < 3) {
            throw invalid("Not enough segments");
        }
        if (parts.length > 3) {
            throw invalid("Too many segments");
        }
        Map<String, Object> header = object(decode(parts[0], "Invalid header padding"), "Invalid header string");
        byte[] payload = decode(parts[1], "Invalid payload padding");
        decode(parts[2], "Invalid crypto padding");
        if (!header.containsKey("alg")) {
            throw invalid("Algorithm not specified");
        }
        // "none", unknown names and non-strings all fail here, before any key is consulted.
        if (!(header.get("alg") instanceof String alg) || !JwtSettings.SUPPORTED_ALGORITHMS.contains(alg)) {
            throw invalid("The specified alg value is not allowed");
        }
        Object kid = header.get("kid");
        if (kid != null && !(kid instanceof String)) {
            throw invalid("Key ID header parameter must be a string");
        }
        if (header.containsKey("crit")) {
            // No critical extension is understood, and RFC 7515 requires refusing tokens that carry one.
            throw invalid("Unsupported critical header parameters");
        }
        JWSHeader jwsHeader;
        try {
            jwsHeader = JWSHeader.parse(header, Base64URL.from(parts[0]));
        } catch (ParseException | RuntimeException e) {
            throw invalid("Invalid header string");
        }
        List<VerificationKey> candidates = keys.candidates((String) kid);
        if (candidates.isEmpty()) {
            throw invalid("No verification key matches the token's kid");
        }
        byte[] signingInput = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
        Base64URL signature = Base64URL.from(parts[2]);
        boolean algorithmAccepted = false;
        for (VerificationKey key : candidates) {
            if (!key.algorithm().getName().equals(alg)) {
                continue;
            }
            algorithmAccepted = true;
            if (verifies(key, jwsHeader, signingInput, signature)) {
                return checkClaims(object(payload, "Invalid payload string"));
            }
        }
        throw invalid(algorithmAccepted ? "Signature verification failed" : "The specified alg value is not allowed");
    }

    private static boolean verifies(VerificationKey key, JWSHeader header, byte[] input, Base64URL signature) {
        try {
            return key.verifier().verify(header, input, signature);
        } catch (JOSEException | RuntimeException e) {
            // A signature the provider cannot even process is simply not a valid signature.
            return false;
        }
    }

    private Map<String, Object> checkClaims(Map<String, Object> claims) throws Rejected {
        double now = clock.millis() / 1000.0;
        double leeway = settings.leeway().toMillis() / 1000.0;
        // PyJWT's order: iat, nbf, exp, then sub and jti; the audience is checked last, apart.
        if (claims.containsKey("iat") && time(claims.get("iat"), "Issued At claim (iat) must be an integer.")
                > now + leeway) {
            throw invalid("The token is not yet valid (iat)");
        }
        if (claims.containsKey("nbf") && time(claims.get("nbf"), "Not Before claim (nbf) must be an integer.")
                > now + leeway) {
            throw invalid("The token is not yet valid (nbf)");
        }
        if (claims.containsKey("exp") && time(claims.get("exp"), "Expiration Time claim (exp) must be an integer.")
                <= now - leeway) {
            throw new Rejected(Rejected.Kind.EXPIRED, "Signature has expired");
        }
        if (claims.containsKey("sub") && !(claims.get("sub") instanceof String)) {
            throw invalid("Subject must be a string");
        }
        if (claims.containsKey("jti") && !(claims.get("jti") instanceof String)) {
            throw invalid("JWT ID must be a string");
        }
        if (settings.verifyAudience()) {
            checkAudience(claims.get("aud"));
        }
        return claims;
    }

    private void checkAudience(Object aud) throws Rejected {
        if (aud == null) {
            throw invalid(MISSING_AUDIENCE);
        }
        List<?> named = aud instanceof List<?> list ? list : List.of(aud);
        List<String> expected = settings.expectedAudiences();
        if (named.stream().noneMatch(expected::contains)) {
            throw new Rejected(Rejected.Kind.AUDIENCE, "Invalid audience");
        }
    }

    /** A NumericDate truncated to whole seconds, as PyJWT reads it. */
    private static long time(Object value, String notANumber) throws Rejected {
        if (value instanceof Number n && !(n instanceof Double d && (d.isNaN() || d.isInfinite()))) {
            return n instanceof Double || n instanceof Float ? (long) n.doubleValue() : n.longValue();
        }
        throw invalid(notANumber);
    }

    private static byte[] decode(String segment, String reason) throws Rejected {
        try {
            return Base64.getUrlDecoder().decode(segment);
        } catch (IllegalArgumentException e) {
            throw invalid(reason);
        }
    }

    private static Map<String, Object> object(byte[] json, String reason) throws Rejected {
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(json)).toString();
            Map<String, Object> object = JSONObjectUtils.parse(text);
            if (object == null) {
                throw invalid(reason);
            }
            return object;
        } catch (CharacterCodingException | ParseException | RuntimeException e) {
            throw invalid(reason);
        }
    }

    private static Rejected invalid(String reason) {
        return new Rejected(Rejected.Kind.INVALID, reason);
    }
}
