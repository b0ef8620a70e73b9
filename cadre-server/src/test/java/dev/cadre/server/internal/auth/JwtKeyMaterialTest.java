package dev.cadre.server.internal.auth;

import static dev.cadre.server.internal.auth.Tokens.bearer;
import static dev.cadre.server.internal.auth.Tokens.claims;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which key material a JWT authenticator accepts at construction, and how it explains what it refuses. */
class JwtKeyMaterialTest {

    private static Authenticator.Jwt jwt(UnaryOperator<JwtSettings.Builder> settings) {
        return new Authenticator.Jwt(settings.apply(JwtSettings.builder().authorization(false)).build(),
                Tokens.CLOCK);
    }

    private static boolean accepts(Authenticator authenticator, String token) {
        return authenticator.authenticate("GET", "/agents", bearer(token)) instanceof Decision.Allowed;
    }

    @Nested
    class HmacSecrets {

        @Test
        void shorterThan32BytesAreRefusedSayingHowLongTheyAre() {
            assertThatThrownBy(() -> jwt(b -> b.verificationKey("too-short-secret")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("JWT verification key #1")
                    .hasMessageContaining("16 bytes")
                    .hasMessageContaining("HS256 needs at least 32 bytes")
                    .message().doesNotContain("too-short-secret");
        }

        @Test
        void ofExactly32BytesAreAccepted() {
            String secret = "0123456789abcdef0123456789abcdef";
            Authenticator.Jwt auth = jwt(b -> b.verificationKey(secret));

            assertThat(accepts(auth, Tokens.hs256(secret, claims()))).isTrue();
        }

        @Test
        void mustMatchTheHashOfALongerHmacOverride() {
            assertThatThrownBy(() -> jwt(b -> b.verificationKey(TestKeys.SECRET).algorithm("HS512")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("HS512 needs at least 64 bytes");
        }

        @Test
        void cannotServeAnAsymmetricOverride() {
            assertThatThrownBy(() -> jwt(b -> b.verificationKey(TestKeys.SECRET).algorithm("RS256")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is not PEM, so it can only be an HMAC secret")
                    .hasMessageContaining("RS256")
                    .message().doesNotContain(TestKeys.SECRET);
        }
    }

    @Nested
    class PemKeys {

        @Test
        void anX509CertificateIsAcceptedForItsPublicKey() {
            Authenticator.Jwt auth = jwt(b -> b.verificationKey(TestKeys.certificate(TestKeys.RSA)));

            assertThat(accepts(auth, Tokens.rs256(claims()))).isTrue();
            assertThat(accepts(auth, Tokens.sign(JWSAlgorithm.RS256, null,
                    new RSASSASigner(TestKeys.OTHER_RSA.getPrivate()), claims()))).isFalse();
        }

        @Test
        void aPkcs1RsaPublicKeyIsAccepted() {
            Authenticator.Jwt auth = jwt(b -> b.verificationKey(
                    TestKeys.pkcs1Pem((RSAPublicKey) TestKeys.RSA.getPublic())));

            assertThat(accepts(auth, Tokens.rs256(claims()))).isTrue();
        }

        @Test
        void aPemWithEscapedNewlinesFromAnEnvironmentVariableIsAccepted() {
            String oneLine = TestKeys.pem(TestKeys.RSA.getPublic()).strip().replace("\n", "\\n");

            assertThat(accepts(jwt(b -> b.verificationKey(oneLine)), Tokens.rs256(claims()))).isTrue();
        }

        @Test
        void eachEcCurveVerifiesItsOwnAlgorithm() {
            KeyPair p384 = TestKeys.ec("secp384r1");
            Authenticator.Jwt auth = jwt(b -> b.verificationKey(TestKeys.pem(p384.getPublic())));
            String es384 = sign384(p384);

            assertThat(accepts(auth, es384)).isTrue();
            assertThatThrownBy(() -> jwt(b -> b.verificationKey(TestKeys.pem(p384.getPublic())).algorithm("ES256")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is an EC P-384 key, so it verifies ES384 tokens only, not ES256");
        }

        private String sign384(KeyPair pair) {
            try {
                return Tokens.sign(JWSAlgorithm.ES384, null, new ECDSASigner((ECPrivateKey) pair.getPrivate()),
                        claims());
            } catch (JOSEException e) {
                throw new IllegalStateException(e);
            }
        }

        @Test
        void aPrivateKeyIsRefusedWithTheCommandToDeriveThePublicOne() {
            String privatePem = TestKeys.pem("PRIVATE KEY", TestKeys.RSA.getPrivate().getEncoded());

            assertThatThrownBy(() -> jwt(b -> b.verificationKey(privatePem)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is a private key (PRIVATE KEY)")
                    .hasMessageContaining("openssl pkey -in key.pem -pubout");
        }

        @Test
        void anRsaKeyCannotServeAnHmacOverride() {
            // Refused up front: otherwise the public key would become an HMAC secret anyone can sign with.
            assertThatThrownBy(() -> jwt(b -> b.verificationKey(TestKeys.pem(TestKeys.RSA.getPublic()))
                    .algorithm("HS256")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is an RSA public key, so it verifies RS256, RS384, RS512, PS256, PS384, "
                            + "PS512 tokens, not HS256");
        }

        @Test
        void aWeakRsaKeyIsRefused() {
            assertThatThrownBy(() -> jwt(b -> b.verificationKey(TestKeys.pem(TestKeys.rsa(1024).getPublic()))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is a 1024-bit RSA key; Cadre needs at least 2048 bits");
        }

        @Test
        void malformedPemIsRefused() {
            assertThatThrownBy(() -> jwt(b -> b.verificationKey("-----BEGIN PUBLIC KEY-----\nAAAA")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("has no complete");
            assertThatThrownBy(() -> jwt(b -> b.verificationKey(
                    "-----BEGIN PUBLIC KEY-----\nAAECAwQ=\n-----END PUBLIC KEY-----")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is not an RSA or EC public key");
            assertThatThrownBy(() -> jwt(b -> b.verificationKey(
                    "-----BEGIN CERTIFICATE-----\nAAECAwQ=\n-----END CERTIFICATE-----")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is not a readable PEM CERTIFICATE");
            assertThatThrownBy(() -> jwt(b -> b.verificationKey(
                    "-----BEGIN OPENSSH KEY-----\nAAECAwQ=\n-----END OPENSSH KEY-----")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is a PEM OPENSSH KEY block");
        }
    }

    @Nested
    class JwksFiles {

        @TempDir
        Path dir;

        private Path write(String json) {
            try {
                return Files.writeString(dir.resolve("jwks.json"), json);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private final RSAKey rsa = new RSAKey.Builder((RSAPublicKey) TestKeys.RSA.getPublic()).keyID("rsa-1").build();
        private final ECKey ec = new ECKey.Builder(Curve.P_256, (ECPublicKey) TestKeys.EC.getPublic()).keyID("ec-1")
                .build();

        @Test
        void aMissingFileIsNamed() {
            Path missing = dir.resolve("nope.json");

            assertThatThrownBy(() -> jwt(b -> b.jwksFile(missing))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("JWKS file not found: " + missing);
        }

        @Test
        void invalidJsonOrNoKeysAreRefused() {
            Path bad = write("{not json");
            assertThatThrownBy(() -> jwt(b -> b.jwksFile(bad))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("Invalid JSON in JWKS file " + bad);
            Path empty = write("{\"keys\": []}");
            assertThatThrownBy(() -> jwt(b -> b.jwksFile(empty))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("JWKS file " + empty + " contains no signing keys");
            Path noArray = write("{\"kty\": \"RSA\"}");
            assertThatThrownBy(() -> jwt(b -> b.jwksFile(noArray))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("JWKS file " + noArray + " has no \"keys\" array");
        }

        @Test
        void duplicateKidsAreRefused() {
            Path file = write(new JWKSet(List.of(rsa, new ECKey.Builder(ec).keyID("rsa-1").build())).toString());

            assertThatThrownBy(() -> jwt(b -> b.jwksFile(file))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("key #2 (kid \"rsa-1\") repeats a kid");
        }

        @Test
        void aKeyWhoseAlgDoesNotFitItsTypeIsRefused() {
            Path file = write(new JWKSet(new RSAKey.Builder(rsa).algorithm(JWSAlgorithm.HS256).build()).toString());

            assertThatThrownBy(() -> jwt(b -> b.jwksFile(file))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("(kid \"rsa-1\") is an RSA public key")
                    .hasMessageContaining("not HS256");
        }

        @Test
        void aKeyDeclaringAnotherAlgThanTheOverrideIsRefused() {
            Path file = write(new JWKSet(new RSAKey.Builder(rsa).algorithm(JWSAlgorithm.RS512).build()).toString());

            assertThatThrownBy(() -> jwt(b -> b.jwksFile(file).algorithm("RS256")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("declares alg RS512 but the configured JWT algorithm is RS256");
        }

        @Test
        void encryptionKeysAreSkippedAndOctKeysAreHmacSecrets() {
            byte[] secret = TestKeys.SECRET.getBytes(StandardCharsets.UTF_8);
            OctetSequenceKey oct = new OctetSequenceKey.Builder(secret).keyID("hmac").build();
            RSAKey encryption = new RSAKey.Builder(rsa).keyID("enc").keyUse(KeyUse.ENCRYPTION).build();
            Path file = write(new JWKSet(List.of(oct, encryption)).toString(false));
            Authenticator.Jwt auth = jwt(b -> b.jwksFile(file));

            assertThat(accepts(auth, Tokens.sign(JWSAlgorithm.HS256, "hmac", Tokens.macSigner(secret), claims())))
                    .isTrue();
            assertThat(accepts(auth, Tokens.rs256("enc", claims()))).isFalse();
        }

        @Test
        void aShortOctKeyIsRefused() {
            OctetSequenceKey oct = new OctetSequenceKey.Builder(new byte[16]).keyID("tiny").build();
            Path file = write(new JWKSet(oct).toString(false));

            assertThatThrownBy(() -> jwt(b -> b.jwksFile(file))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("(kid \"tiny\") is an HMAC secret of 16 bytes, but HS256 needs at least 32 bytes");
        }
    }
}
