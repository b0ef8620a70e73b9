package dev.cadre.server.internal.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shape of JWT settings: AgentOS's defaults, and what cannot be configured. */
class JwtSettingsTest {

    @Test
    void defaultsEnforceScopesAndIsolationButNotTheAudience() {
        JwtSettings settings = JwtSettings.builder().verificationKey(TestKeys.SECRET).build();

        assertThat(settings.authorization()).isTrue();
        assertThat(settings.userIsolation()).isTrue();
        assertThat(settings.verifyAudience()).isFalse();
        assertThat(settings.adminScope()).isEqualTo("agent_os:admin");
        assertThat(settings.leeway()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.algorithm()).isEmpty();
        assertThat(settings.excludedPaths()).containsExactly("/", "/health", "/ready", "/info", "/docs", "/redoc",
                "/openapi.json", "/docs/oauth2-redirect");
    }

    @Test
    void needAKeySource() {
        assertThatThrownBy(() -> JwtSettings.builder().build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one verification key")
                .hasMessageContaining("or a JWKS file");
        assertThat(JwtSettings.builder().jwksFile(Path.of("jwks.json")).build().jwksFile())
                .hasValue(Path.of("jwks.json"));
    }

    @Test
    void refuseAlgNoneAndUnknownAlgorithms() {
        assertThatThrownBy(() -> JwtSettings.builder().verificationKey(TestKeys.SECRET).algorithm("none").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Unsupported JWT algorithm 'NONE'");
        assertThatThrownBy(() -> JwtSettings.builder().verificationKey(TestKeys.SECRET).algorithm("EdDSA").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("use one of ES256");
        assertThat(JwtSettings.builder().verificationKey(TestKeys.SECRET).algorithm(" hs256 ").build().algorithm())
                .hasValue("HS256");
    }

    @Test
    void audienceVerificationNeedsSomethingToExpect() {
        assertThatThrownBy(() -> JwtSettings.builder().verificationKey(TestKeys.SECRET).verifyAudience(true).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("set an audience or the OS id");

        assertThat(JwtSettings.builder().verificationKey(TestKeys.SECRET).verifyAudience(true).osId("os-1").build()
                .expectedAudiences()).containsExactly("os-1");
        assertThat(JwtSettings.builder().verificationKey(TestKeys.SECRET).verifyAudience(true).osId("os-1")
                .audience("a", "b").build().expectedAudiences()).containsExactly("a", "b");
    }

    @Test
    void refuseBlankOrNegativeValues() {
        JwtSettings.Builder base = JwtSettings.builder().verificationKey(TestKeys.SECRET);
        assertThatThrownBy(() -> JwtSettings.builder().verificationKey(" ").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("JWT verification key #1 is blank");
        assertThatThrownBy(() -> base.adminScope("").build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JwtSettings.builder().verificationKey(TestKeys.SECRET).leeway(Duration.ofSeconds(-1))
                .build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JwtSettings.builder().verificationKey(TestKeys.SECRET).audience(List.of(" "))
                .build()).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void neverPrintTheirSecrets() {
        JwtSettings settings = JwtSettings.builder().verificationKey(TestKeys.SECRET).build();

        assertThat(settings.toString()).doesNotContain(TestKeys.SECRET).contains("1 key(s)");
        assertThat(new Authenticator.Jwt(settings, Tokens.CLOCK).toString()).doesNotContain(TestKeys.SECRET);
    }
}
