package dev.cadre.server.internal.auth;

import static dev.cadre.server.internal.auth.Decisions.caller;
import static dev.cadre.server.internal.auth.Decisions.denied;
import static dev.cadre.server.internal.auth.Tokens.bearer;
import static dev.cadre.server.internal.auth.Tokens.claims;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * JWT mode: which tokens are accepted, and the exact 401 detail AgentOS answers for each one that is not. Scope
 * enforcement is off here so only authentication is under test.
 */
class JwtAuthenticationTest {

    private static final String PATH = "/agents/web-agent/runs";

    static Authenticator.Jwt jwt(UnaryOperator<JwtSettings.Builder> settings) {
        return new Authenticator.Jwt(settings.apply(JwtSettings.builder().authorization(false)).build(),
                Tokens.CLOCK);
    }

    private static final Authenticator.Jwt HS = jwt(b -> b.verificationKey(TestKeys.SECRET));
    private static final Authenticator.Jwt RS = jwt(b -> b.verificationKey(TestKeys.pem(TestKeys.RSA.getPublic())));

    private static Decision post(Authenticator authenticator, String token) {
        return authenticator.authenticate("POST", PATH, bearer(token));
    }

    @Nested
    class TheHeader {

        @Test
        void aMissingOrEmptyHeaderIs401HeaderMissing() {
            assertThat(HS.authenticate("POST", PATH, Optional.empty()))
                    .isEqualTo(denied(401, "Authorization header missing"));
            assertThat(HS.authenticate("POST", PATH, Optional.of("   ")))
                    .isEqualTo(denied(401, "Authorization header missing"));
            assertThat(HS.authenticate("POST", PATH, Optional.of("Bearer   ")))
                    .isEqualTo(denied(401, "Authorization header missing"));
        }

        @Test
        void theTokenIsTakenAfterBearerInAnyCaseOrAsTheBareValueTrimmed() {
            String token = Tokens.hs256(claims());
            for (String header : List.of("Bearer " + token, "bearer " + token, "BEARER  " + token + " ",
                    token, "  " + token + "\t")) {
                assertThat(caller(HS.authenticate("POST", PATH, Optional.of(header))).userId()).hasValue("user-1");
            }
        }

        @Test
        void theModeIsJwt() {
            assertThat(HS.mode()).isEqualTo("jwt");
        }
    }

    @Nested
    class AValidToken {

        @Test
        void yieldsItsSubjectSessionAndScopes() {
            Caller caller = caller(post(HS, Tokens.hs256(claims("scopes", List.of("agents:read", "teams:run")))));

            assertThat(caller.userId()).hasValue("user-1");
            assertThat(caller.sessionId()).hasValue("session-1");
            assertThat(caller.scopes()).containsExactly("agents:read", "teams:run");
            assertThat(caller.admin()).isFalse();
        }

        @Test
        void withoutSubjectOrSessionHasNeither() {
            Caller caller = caller(post(HS, Tokens.hs256(claims("sub", null, "session_id", null))));

            assertThat(caller.userId()).isEmpty();
            assertThat(caller.sessionId()).isEmpty();
            assertThat(caller.isolated()).isFalse();
        }

        @Test
        void scopesMayBeOneStringAndAnythingElseCountsAsNone() {
            assertThat(caller(post(HS, Tokens.hs256(claims("scopes", "agents:run")))).scopes())
                    .containsExactly("agents:run");
            assertThat(caller(post(HS, Tokens.hs256(claims("scopes", 7)))).scopes()).isEmpty();
            assertThat(caller(post(HS, Tokens.hs256(claims("scopes", List.of("a:b", 3, "c:d"))))).scopes())
                    .containsExactly("a:b", "c:d");
        }

        @Test
        void isAcceptedSignedRs256WithAnRsaPemKeyAndEs256WithAnEcPemKey() {
            assertThat(caller(post(RS, Tokens.rs256(claims()))).userId()).hasValue("user-1");

            Authenticator.Jwt es = jwt(b -> b.verificationKey(TestKeys.pem(TestKeys.EC.getPublic())));
            assertThat(caller(post(es, Tokens.es256(null, claims()))).userId()).hasValue("user-1");
        }

        @Test
        void isAcceptedByAnyOfSeveralStaticKeysTriedInOrder() {
            Authenticator.Jwt several = jwt(b -> b.verificationKey(TestKeys.OTHER_SECRET)
                    .verificationKey(TestKeys.pem(TestKeys.RSA.getPublic())).verificationKey(TestKeys.SECRET));

            assertThat(post(several, Tokens.hs256(claims()))).isInstanceOf(Decision.Allowed.class);
            assertThat(post(several, Tokens.rs256(claims()))).isInstanceOf(Decision.Allowed.class);
        }
    }

    @Nested
    class ABadSignatureOrShape {

        @Test
        void aTokenSignedWithAnotherKeyFailsSignatureVerification() {
            assertThat(post(HS, Tokens.hs256(TestKeys.OTHER_SECRET, claims())))
                    .isEqualTo(denied(401, "Invalid token: Signature verification failed"));
            String otherRsa = Tokens.sign(JWSAlgorithm.RS256, null, new RSASSASigner(TestKeys.OTHER_RSA.getPrivate()),
                    claims());
            assertThat(post(RS, otherRsa)).isEqualTo(denied(401, "Invalid token: Signature verification failed"));
        }

        @Test
        void aTamperedPayloadFailsSignatureVerification() {
            String[] parts = Tokens.hs256(claims()).split("\\.");
            String forged = parts[0] + "." + Base64URL.encode(
                    Tokens.json(claims("sub", "someone-else"))) + "." + parts[2];

            assertThat(post(HS, forged)).isEqualTo(denied(401, "Invalid token: Signature verification failed"));
        }

        @Test
        void malformedTokensSayWhatIsWrong() {
            assertThat(post(HS, "not-a-jwt")).isEqualTo(denied(401, "Invalid token: Not enough segments"));
            assertThat(post(HS, "a.b")).isEqualTo(denied(401, "Invalid token: Not enough segments"));
            assertThat(post(HS, "a.b.c.d.e")).isEqualTo(denied(401, "Invalid token: Too many segments"));
            assertThat(post(HS, "!!.e30.c2ln")).isEqualTo(denied(401, "Invalid token: Invalid header padding"));
            assertThat(post(HS, Tokens.raw("not json", "{}", "c2ln")))
                    .isEqualTo(denied(401, "Invalid token: Invalid header string"));
            assertThat(post(HS, Tokens.raw("[1]", "{}", "c2ln")))
                    .isEqualTo(denied(401, "Invalid token: Invalid header string"));
            assertThat(post(HS, Tokens.raw("{\"typ\":\"JWT\"}", "{}", "c2ln")))
                    .isEqualTo(denied(401, "Invalid token: Algorithm not specified"));
            assertThat(post(HS, Tokens.raw("{\"alg\":\"HS256\",\"kid\":7}", "{}", "c2ln")))
                    .isEqualTo(denied(401, "Invalid token: Key ID header parameter must be a string"));
        }

        @Test
        void aPayloadThatIsNotAJsonObjectIsRejectedOnceTheSignatureHolds() throws JOSEException {
            JWSObject signed = new JWSObject(new JWSHeader(JWSAlgorithm.HS256), new Payload("[\"not\",\"an\",\"object\"]"));
            signed.sign(Tokens.macSigner(TestKeys.SECRET.getBytes(StandardCharsets.UTF_8)));

            assertThat(post(HS, signed.serialize())).isEqualTo(denied(401, "Invalid token: Invalid payload string"));
        }

        @Test
        void aCriticalHeaderExtensionIsRefused() {
            String token = Tokens.raw("{\"alg\":\"HS256\",\"crit\":[\"exp\"],\"exp\":1}", Tokens.json(claims()),
                    "c2ln");

            assertThat(post(HS, token)).isEqualTo(denied(401, "Invalid token: Unsupported critical header parameters"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"x", "a.b.c", "e30.e30.e30", "eyJhbGciOiJub25lIn0.e30.", "....", "\u00e9.\u00e9.\u00e9"})
        void noDetailRevealsInternals(String token) {
            Decision decision = post(RS, token);

            assertThat(decision).isInstanceOf(Decision.Denied.class);
            String detail = ((Decision.Denied) decision).detail();
            assertThat(detail).startsWith("Invalid token: ").doesNotContain("Exception", "com.", "java.", "\n",
                    "BEGIN");
        }
    }

    @Nested
    class TheAlgorithm {

        @Test
        void algNoneIsNeverAccepted() {
            for (String alg : List.of("none", "None", "NONE")) {
                String unsigned = Tokens.raw("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}", Tokens.json(claims()), "");

                assertThat(post(HS, unsigned)).isEqualTo(denied(401, "Invalid token: The specified alg value is not allowed"));
                assertThat(post(RS, unsigned)).isEqualTo(denied(401, "Invalid token: The specified alg value is not allowed"));
            }
        }

        @Test
        void anHs256TokenUsingTheRsaPublicKeyAsItsSecretIsRejected() {
            // The classic confusion attack: the public key is public, so anyone can "sign" HS256 with it.
            String pem = TestKeys.pem(TestKeys.RSA.getPublic());
            String forged = Tokens.sign(JWSAlgorithm.HS256, null,
                    Tokens.macSigner(pem.getBytes(StandardCharsets.UTF_8)), claims());
            String forgedStripped = Tokens.sign(JWSAlgorithm.HS256, null,
                    Tokens.macSigner(pem.strip().getBytes(StandardCharsets.UTF_8)), claims());

            assertThat(post(RS, forged)).isEqualTo(denied(401, "Invalid token: The specified alg value is not allowed"));
            assertThat(post(RS, forgedStripped))
                    .isEqualTo(denied(401, "Invalid token: The specified alg value is not allowed"));
        }

        @Test
        void aTokenInAnotherAlgorithmThanItsKeyIsRejected() {
            assertThat(post(RS, Tokens.es256(null, claims())))
                    .isEqualTo(denied(401, "Invalid token: The specified alg value is not allowed"));
            assertThat(post(HS, Tokens.rs256(claims())))
                    .isEqualTo(denied(401, "Invalid token: The specified alg value is not allowed"));
        }

        @Test
        void anOverrideIsTheOnlyAlgorithmAccepted() {
            Authenticator.Jwt ps = jwt(b -> b.verificationKey(TestKeys.pem(TestKeys.RSA.getPublic())).algorithm("PS256"));
            String ps256 = Tokens.sign(JWSAlgorithm.PS256, null, new RSASSASigner(TestKeys.RSA.getPrivate()), claims());

            assertThat(post(ps, ps256)).isInstanceOf(Decision.Allowed.class);
            assertThat(post(ps, Tokens.rs256(claims())))
                    .isEqualTo(denied(401, "Invalid token: The specified alg value is not allowed"));
        }
    }

    @Nested
    class AJwksFile {

        @TempDir
        Path dir;

        private String twoKeys() {
            RSAKey rsa = new RSAKey.Builder((RSAPublicKey) TestKeys.RSA.getPublic()).keyID("rsa-1").build();
            ECKey ec = new ECKey.Builder(Curve.P_256, (ECPublicKey) TestKeys.EC.getPublic()).keyID("ec-1").build();
            return new JWKSet(List.of(rsa, ec)).toString();
        }

        @Test
        void findsEachKeyByTheTokensKid() {
            Authenticator.Jwt auth = jwt(b -> b.jwksFile(jwksOf(twoKeys())));

            assertThat(caller(post(auth, Tokens.rs256("rsa-1", claims()))).userId()).hasValue("user-1");
            assertThat(caller(post(auth, Tokens.es256("ec-1", claims()))).userId()).hasValue("user-1");
        }

        @Test
        void aKidNamingAnotherKeyTypeFailsAndAnUnknownKidMatchesNothing() {
            Authenticator.Jwt auth = jwt(b -> b.jwksFile(jwksOf(twoKeys())));

            assertThat(post(auth, Tokens.rs256("ec-1", claims())))
                    .isEqualTo(denied(401, "Invalid token: The specified alg value is not allowed"));
            assertThat(post(auth, Tokens.rs256("nobody", claims())))
                    .isEqualTo(denied(401, "Invalid token: No verification key matches the token's kid"));
            assertThat(post(auth, Tokens.rs256(null, claims())))
                    .isEqualTo(denied(401, "Invalid token: No verification key matches the token's kid"));
        }

        @Test
        void aKeyWithoutKidServesTokensWhoseKidMatchesNoKey() {
            RSAKey fallback = new RSAKey.Builder((RSAPublicKey) TestKeys.RSA.getPublic()).build();
            ECKey ec = new ECKey.Builder(Curve.P_256, (ECPublicKey) TestKeys.EC.getPublic()).keyID("ec-1").build();
            Authenticator.Jwt auth = jwt(b -> b.jwksFile(jwksOf(new JWKSet(List.of(fallback, ec)).toString())));

            assertThat(post(auth, Tokens.rs256("rotated-away", claims()))).isInstanceOf(Decision.Allowed.class);
            assertThat(post(auth, Tokens.rs256(null, claims()))).isInstanceOf(Decision.Allowed.class);
        }

        @Test
        void staticKeysAreTriedAfterTheJwksKeys() {
            Authenticator.Jwt auth = jwt(b -> b.jwksFile(jwksOf(twoKeys())).verificationKey(TestKeys.SECRET));

            assertThat(post(auth, Tokens.hs256(claims()))).isInstanceOf(Decision.Allowed.class);
            assertThat(post(auth, Tokens.rs256("rsa-1", claims()))).isInstanceOf(Decision.Allowed.class);
            assertThat(post(auth, Tokens.hs256(TestKeys.OTHER_SECRET, claims())))
                    .isEqualTo(denied(401, "Invalid token: Signature verification failed"));
        }

        @Test
        void aKeysOwnAlgIsTheOneItAccepts() {
            RSAKey ps = new RSAKey.Builder((RSAPublicKey) TestKeys.RSA.getPublic()).keyID("ps")
                    .algorithm(JWSAlgorithm.PS256).build();
            Authenticator.Jwt auth = jwt(b -> b.jwksFile(jwksOf(new JWKSet(ps).toString())));

            assertThat(post(auth, Tokens.sign(JWSAlgorithm.PS256, "ps", new RSASSASigner(TestKeys.RSA.getPrivate()),
                    claims()))).isInstanceOf(Decision.Allowed.class);
            assertThat(post(auth, Tokens.rs256("ps", claims())))
                    .isEqualTo(denied(401, "Invalid token: The specified alg value is not allowed"));
        }

        private Path jwksOf(String json) {
            try {
                return Files.writeString(dir.resolve("jwks.json"), json);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
