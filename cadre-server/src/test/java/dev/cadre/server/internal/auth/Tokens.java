package dev.cadre.server.internal.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.ECPrivateKey;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Signs tokens for the tests, and fixes the time they are checked at. */
final class Tokens {

    /** The time every authenticator under test lives at; tokens are dated relative to it. */
    static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private Tokens() {
    }

    /** Claims that pass: a user, a session, an expiry an hour ahead. Extra pairs are added or replace these. */
    static Map<String, Object> claims(Object... pairs) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", "user-1");
        claims.put("session_id", "session-1");
        claims.put("iat", NOW.getEpochSecond());
        claims.put("exp", NOW.getEpochSecond() + 3600);
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i + 1] == null) {
                claims.remove((String) pairs[i]);
            } else {
                claims.put((String) pairs[i], pairs[i + 1]);
            }
        }
        return claims;
    }

    static String hs256(Map<String, Object> claims) {
        return hs256(TestKeys.SECRET, claims);
    }

    static String hs256(String secret, Map<String, Object> claims) {
        return sign(JWSAlgorithm.HS256, null, macSigner(secret.getBytes(StandardCharsets.UTF_8)), claims);
    }

    static String rs256(Map<String, Object> claims) {
        return rs256(null, claims);
    }

    static String rs256(String kid, Map<String, Object> claims) {
        return sign(JWSAlgorithm.RS256, kid, new RSASSASigner(TestKeys.RSA.getPrivate()), claims);
    }

    static String es256(String kid, Map<String, Object> claims) {
        try {
            return sign(JWSAlgorithm.ES256, kid, new ECDSASigner((ECPrivateKey) TestKeys.EC.getPrivate()), claims);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static JWSSigner macSigner(byte[] secret) {
        try {
            return new MACSigner(secret);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sign(JWSAlgorithm algorithm, String kid, JWSSigner signer, Map<String, Object> claims) {
        JWSObject jws = new JWSObject(new JWSHeader.Builder(algorithm).keyID(kid).build(),
                new Payload(JSONObjectUtils.toJSONString(claims)));
        try {
            jws.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jws.serialize();
    }

    /** A token assembled by hand from a raw header, raw payload and raw signature segment. */
    static String raw(String headerJson, String payloadJson, String signature) {
        return Base64URL.encode(headerJson) + "." + Base64URL.encode(payloadJson) + "." + signature;
    }

    static String json(Map<String, Object> claims) {
        return JSONObjectUtils.toJSONString(claims);
    }

    static Optional<String> bearer(String token) {
        return Optional.of("Bearer " + token);
    }
}
