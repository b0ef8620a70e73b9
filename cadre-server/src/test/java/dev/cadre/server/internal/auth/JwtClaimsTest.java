package dev.cadre.server.internal.auth;

import static dev.cadre.server.internal.auth.Decisions.caller;
import static dev.cadre.server.internal.auth.Decisions.denied;
import static dev.cadre.server.internal.auth.Tokens.NOW;
import static dev.cadre.server.internal.auth.Tokens.bearer;
import static dev.cadre.server.internal.auth.Tokens.claims;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** JWT mode: the registered claims a signed token must also get right (time, audience, subject). */
class JwtClaimsTest {

    private static final Authenticator.Jwt HS = JwtAuthenticationTest.jwt(b -> b.verificationKey(TestKeys.SECRET));

    private static Authenticator.Jwt jwt(UnaryOperator<JwtSettings.Builder> settings) {
        return JwtAuthenticationTest.jwt(settings);
    }

    private static Decision post(Authenticator authenticator, String token) {
        return authenticator.authenticate("POST", "/agents/web-agent/runs", bearer(token));
    }

    @Nested
    class TimeClaims {

        private final long now = NOW.getEpochSecond();

        @Test
        void anExpiredTokenIs401TokenHasExpired() {
            assertThat(post(HS, Tokens.hs256(claims("exp", now - 60)))).isEqualTo(denied(401, "Token has expired"));
        }

        @Test
        void theDefaultTenSecondLeewayToleratesClockSkewOnExpiry() {
            assertThat(post(HS, Tokens.hs256(claims("exp", now - 9)))).isInstanceOf(Decision.Allowed.class);
            assertThat(post(HS, Tokens.hs256(claims("exp", now - 10)))).isEqualTo(denied(401, "Token has expired"));
        }

        @Test
        void theLeewayIsConfigurable() {
            Authenticator.Jwt strict = jwt(b -> b.verificationKey(TestKeys.SECRET).leeway(Duration.ZERO));
            Authenticator.Jwt lenient = jwt(b -> b.verificationKey(TestKeys.SECRET).leeway(Duration.ofMinutes(5)));

            assertThat(post(strict, Tokens.hs256(claims("exp", now)))).isEqualTo(denied(401, "Token has expired"));
            assertThat(post(strict, Tokens.hs256(claims("exp", now + 1)))).isInstanceOf(Decision.Allowed.class);
            assertThat(post(lenient, Tokens.hs256(claims("exp", now - 240)))).isInstanceOf(Decision.Allowed.class);
        }

        @Test
        void expiryIsReportedOnceAnyKeyVerifiesTheSignatureEvenWithLaterKeysLeft() {
            Authenticator.Jwt several = jwt(b -> b.verificationKey(TestKeys.OTHER_SECRET).verificationKey(TestKeys.SECRET)
                    .verificationKey(TestKeys.pem(TestKeys.RSA.getPublic())));

            assertThat(post(several, Tokens.hs256(claims("exp", now - 60)))).isEqualTo(denied(401, "Token has expired"));
        }

        @Test
        void anExpiredTokenWithABadSignatureIsInvalidNotExpired() {
            assertThat(post(HS, Tokens.hs256(TestKeys.OTHER_SECRET, claims("exp", now - 60))))
                    .isEqualTo(denied(401, "Invalid token: Signature verification failed"));
        }

        @Test
        void aTokenNotYetValidIsRejectedBeyondTheLeeway() {
            assertThat(post(HS, Tokens.hs256(claims("nbf", now + 60))))
                    .isEqualTo(denied(401, "Invalid token: The token is not yet valid (nbf)"));
            assertThat(post(HS, Tokens.hs256(claims("nbf", now + 5)))).isInstanceOf(Decision.Allowed.class);
            assertThat(post(HS, Tokens.hs256(claims("iat", now + 60))))
                    .isEqualTo(denied(401, "Invalid token: The token is not yet valid (iat)"));
        }

        @Test
        void timeClaimsMustBeNumbers() {
            assertThat(post(HS, Tokens.hs256(claims("exp", "tomorrow"))))
                    .isEqualTo(denied(401, "Invalid token: Expiration Time claim (exp) must be an integer."));
            assertThat(post(HS, Tokens.hs256(claims("nbf", true))))
                    .isEqualTo(denied(401, "Invalid token: Not Before claim (nbf) must be an integer."));
            assertThat(post(HS, Tokens.hs256(claims("iat", List.of(1)))))
                    .isEqualTo(denied(401, "Invalid token: Issued At claim (iat) must be an integer."));
        }

        @Test
        void aTokenWithoutExpiryIsAccepted() {
            assertThat(post(HS, Tokens.hs256(claims("exp", null)))).isInstanceOf(Decision.Allowed.class);
        }

        @Test
        void fractionalTimesAreAccepted() {
            assertThat(post(HS, Tokens.hs256(claims("exp", now + 30.5)))).isInstanceOf(Decision.Allowed.class);
        }
    }

    @Nested
    class TheAudience {

        private final Authenticator.Jwt verifying = jwt(b -> b.verificationKey(TestKeys.SECRET).verifyAudience(true)
                .osId("os-1"));

        @Test
        void isNotCheckedUnlessVerificationIsOn() {
            assertThat(post(HS, Tokens.hs256(claims("aud", "some-other-os")))).isInstanceOf(Decision.Allowed.class);
            assertThat(post(HS, Tokens.hs256(claims()))).isInstanceOf(Decision.Allowed.class);
        }

        @Test
        void mustNameTheOsIdWhenNoAudienceIsConfigured() {
            assertThat(post(verifying, Tokens.hs256(claims("aud", "os-1")))).isInstanceOf(Decision.Allowed.class);
            assertThat(post(verifying, Tokens.hs256(claims("aud", List.of("x", "os-1")))))
                    .isInstanceOf(Decision.Allowed.class);
            assertThat(post(verifying, Tokens.hs256(claims("aud", "os-2"))))
                    .isEqualTo(denied(401, "Invalid token audience - token not valid for this AgentOS instance"));
            assertThat(post(verifying, Tokens.hs256(claims("aud", List.of()))))
                    .isEqualTo(denied(401, "Invalid token audience - token not valid for this AgentOS instance"));
        }

        @Test
        void mustBePresentWhileVerifying() {
            assertThat(post(verifying, Tokens.hs256(claims())))
                    .isEqualTo(denied(401, "Invalid token: Token is missing the \"aud\" claim. Audience verification "
                            + "requires this claim to be present in the token."));
        }

        @Test
        void configuredAudiencesReplaceTheOsId() {
            Authenticator.Jwt auth = jwt(b -> b.verificationKey(TestKeys.SECRET).verifyAudience(true).osId("os-1")
                    .audience("https://cadre.example", "cadre-api"));

            assertThat(post(auth, Tokens.hs256(claims("aud", "cadre-api")))).isInstanceOf(Decision.Allowed.class);
            assertThat(post(auth, Tokens.hs256(claims("aud", "os-1"))))
                    .isEqualTo(denied(401, "Invalid token audience - token not valid for this AgentOS instance"));
        }

        @Test
        void expiryIsReportedBeforeTheAudience() {
            assertThat(post(verifying, Tokens.hs256(claims("aud", "os-2", "exp", NOW.getEpochSecond() - 60))))
                    .isEqualTo(denied(401, "Token has expired"));
        }
    }

    @Nested
    class TheSubject {

        @ParameterizedTest
        @ValueSource(strings = {"sa:deploy-bot", "sa:", "__oauth__:client-7", "__scheduler__"})
        void mayNotClaimAReservedPrincipal(String subject) {
            assertThat(post(HS, Tokens.hs256(claims("sub", subject)))).isEqualTo(denied(401, "Invalid token subject"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"sa", "user-sa:x", "__scheduler__2", "__oauth__", "alice@example.com"})
        void mayBeAnyOtherString(String subject) {
            assertThat(caller(post(HS, Tokens.hs256(claims("sub", subject)))).userId()).hasValue(subject);
        }

        @Test
        void mustBeAString() {
            assertThat(post(HS, Tokens.hs256(claims("sub", 42))))
                    .isEqualTo(denied(401, "Invalid token: Subject must be a string"));
        }
    }
}
