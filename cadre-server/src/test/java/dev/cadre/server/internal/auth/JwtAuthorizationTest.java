package dev.cadre.server.internal.auth;

import static dev.cadre.server.internal.auth.Decisions.caller;
import static dev.cadre.server.internal.auth.Decisions.denied;
import static dev.cadre.server.internal.auth.Tokens.bearer;
import static dev.cadre.server.internal.auth.Tokens.claims;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** JWT mode with authorization (RBAC) on, the default: scopes decide, and 403 names what was missing. */
class JwtAuthorizationTest {

    private static final Authenticator.Jwt RBAC = rbac(b -> b);

    static Authenticator.Jwt rbac(UnaryOperator<JwtSettings.Builder> settings) {
        return new Authenticator.Jwt(settings.apply(JwtSettings.builder().verificationKey(TestKeys.SECRET)).build(),
                Tokens.CLOCK);
    }

    private static Decision request(Authenticator authenticator, String method, String path, Object scopes) {
        return authenticator.authenticate(method, path, bearer(Tokens.hs256(claims("scopes", scopes))));
    }

    private static Decision request(String method, String path, String... scopes) {
        return request(RBAC, method, path, List.of(scopes));
    }

    @Nested
    class RunningAnAgent {

        @Test
        void withoutTheScopeIs403NamingIt() {
            assertThat(request("POST", "/agents/web-agent/runs"))
                    .isEqualTo(denied(403, "Insufficient permissions. Required scope(s): agents:run"));
            assertThat(request("POST", "/agents/web-agent/runs", "agents:read", "teams:run"))
                    .isEqualTo(denied(403, "Insufficient permissions. Required scope(s): agents:run"));
        }

        @ParameterizedTest
        @CsvSource({"agents:run", "agents:*:run", "agents:web-agent:run"})
        void isAllowedByTheGlobalTheWildcardOrThatAgentsScope(String scope) {
            assertThat(request("POST", "/agents/web-agent/runs", scope)).isInstanceOf(Decision.Allowed.class);
            assertThat(request("POST", "/agents/web-agent/runs/r1/continue", scope)).isInstanceOf(Decision.Allowed.class);
        }

        @ParameterizedTest
        @CsvSource({"agents:other-agent:run", "agents:web-agent:read", "teams:web-agent:run", "agents:run:extra:x",
            "web-agent", "agents"})
        void isNotAllowedByAnotherAgentsActionOrTypeOrAnythingMalformed(String scope) {
            assertThat(request("POST", "/agents/web-agent/runs", scope))
                    .isEqualTo(denied(403, "Insufficient permissions. Required scope(s): agents:run"));
        }

        @Test
        void cancellingAndResumingAreRunsToo() {
            assertThat(request("POST", "/agents/a/runs/r1/cancel"))
                    .isEqualTo(denied(403, "Insufficient permissions. Required scope(s): agents:run"));
            assertThat(request("POST", "/agents/a/runs/r1/resume", "agents:a:run")).isInstanceOf(Decision.Allowed.class);
        }
    }

    @Nested
    class Teams {

        @Test
        void needTheirOwnScopes() {
            assertThat(request("POST", "/teams/research/runs", "agents:run"))
                    .isEqualTo(denied(403, "Insufficient permissions. Required scope(s): teams:run"));
            assertThat(request("POST", "/teams/research/runs/r1/cancel", "teams:research:run"))
                    .isInstanceOf(Decision.Allowed.class);
            assertThat(request("GET", "/teams/research", "teams:research:run"))
                    .isEqualTo(denied(403, "Insufficient permissions. Required scope(s): teams:read"));
            assertThat(request("GET", "/teams/research/runs/r1", "teams:*:read")).isInstanceOf(Decision.Allowed.class);
        }
    }

    @Nested
    class ReadingOneAgent {

        @Test
        void needsReadOnItAtAnyDepth() {
            assertThat(request("GET", "/agents/web-agent", "agents:web-agent:read")).isInstanceOf(Decision.Allowed.class);
            assertThat(request("GET", "/agents/web-agent/runs/r1", "agents:web-agent:read"))
                    .isInstanceOf(Decision.Allowed.class);
            assertThat(request("GET", "/agents/web-agent/runs/r1", "agents:web-agent:run"))
                    .isEqualTo(denied(403, "Insufficient permissions. Required scope(s): agents:read"));
            assertThat(request("GET", "/agents/other", "agents:web-agent:read"))
                    .isEqualTo(denied(403, "Insufficient permissions. Required scope(s): agents:read"));
        }
    }

    @Nested
    class Listings {

        @Test
        void areAllowedWithoutTheGlobalScopeAndFilteredByMayList() {
            Caller caller = caller(request("GET", "/agents", "agents:web-agent:read", "agents:helper:run"));

            assertThat(caller.mayList("agents", "web-agent")).isTrue();
            assertThat(caller.mayList("agents", "helper")).isTrue();
            assertThat(caller.mayList("agents", "secret-agent")).isFalse();
            assertThat(caller.mayList("teams", "web-agent")).isFalse();
        }

        @Test
        void areAllowedWithNoScopesAtAllAndShowNothing() {
            Caller caller = caller(request("GET", "/teams/"));

            assertThat(caller.mayList("teams", "research")).isFalse();
        }

        @ParameterizedTest
        @CsvSource({"agents:read", "agents:run", "agents:*:read", "agents:*:run", "agent_os:admin"})
        void showEverythingToAGlobalWildcardOrAdminScope(String scope) {
            assertThat(caller(request("GET", "/agents", scope)).mayList("agents", "anything")).isTrue();
        }

        @Test
        void ofSessionsAreNotExempt() {
            // Only component listings filter per resource; sessions have no per-resource scopes.
            assertThat(request("GET", "/sessions", "agents:read"))
                    .isEqualTo(denied(403, "Insufficient permissions. Required scope(s): sessions:read"));
        }
    }

    @Nested
    class Sessions {

        @Test
        void needTheScopeOfTheirAction() {
            assertThat(request("GET", "/sessions", "sessions:read")).isInstanceOf(Decision.Allowed.class);
            assertThat(request("GET", "/sessions/s1/runs/r1", "sessions:read")).isInstanceOf(Decision.Allowed.class);
            assertThat(request("GET", "/sessions/s1", "sessions:*:read")).isInstanceOf(Decision.Allowed.class);
            assertThat(request("POST", "/sessions/s1/rename", "sessions:read"))
                    .isEqualTo(denied(403, "Insufficient permissions. Required scope(s): sessions:write"));
            assertThat(request("DELETE", "/sessions/s1", "sessions:write"))
                    .isEqualTo(denied(403, "Insufficient permissions. Required scope(s): sessions:delete"));
            assertThat(request("DELETE", "/sessions/s1", "sessions:delete")).isInstanceOf(Decision.Allowed.class);
        }

        @Test
        void aPerSessionScopeIsNotAGlobalOne() {
            assertThat(request("GET", "/sessions/s1", "sessions:s1:read"))
                    .isEqualTo(denied(403, "Insufficient permissions. Required scope(s): sessions:read"));
        }

        @Test
        void cadresRunByIdIsASessionRead() {
            assertThat(request("GET", "/runs/r1"))
                    .isEqualTo(denied(403, "Insufficient permissions. Required scope(s): sessions:read"));
            assertThat(request("GET", "/runs/r1", "sessions:read")).isInstanceOf(Decision.Allowed.class);
        }
    }

    @Nested
    class CancellingARunById {

        @Test
        void passesTheRouteAndLeavesTheComponentCheckToTheHandler() {
            Caller caller = caller(request("POST", "/runs/r1/cancel", "teams:research:run"));

            assertThat(caller.can("teams", "research", "run")).isTrue();
            assertThat(caller.can("teams", "other", "run")).isFalse();
            assertThat(caller.can("agents", "research", "run")).isFalse();
        }
    }

    @Nested
    class Config {

        @Test
        void acceptsTheLegacySystemScope() {
            assertThat(request("GET", "/config", "config:read")).isInstanceOf(Decision.Allowed.class);
            assertThat(request("GET", "/models", "system:read")).isInstanceOf(Decision.Allowed.class);
            assertThat(request("GET", "/config", "system:write"))
                    .isEqualTo(denied(403, "Insufficient permissions. Required scope(s): config:read"));
        }
    }

    @Nested
    class TheAdminScope {

        @Test
        void grantsEverythingAndMarksTheCallerAdmin() {
            for (String[] route : new String[][] {{"POST", "/agents/a/runs"}, {"DELETE", "/sessions/s"},
                {"GET", "/config"}, {"POST", "/teams/t/runs/r/cancel"}}) {
                Caller caller = caller(request(route[0], route[1], "agent_os:admin"));
                assertThat(caller.admin()).isTrue();
                assertThat(caller.can("agents", "any", "run")).isTrue();
            }
        }

        @Test
        void canBeCustomAndThenTheDefaultOneGrantsNothing() {
            Authenticator.Jwt custom = rbac(b -> b.adminScope("cadre:root"));

            Caller root = caller(request(custom, "POST", "/agents/a/runs", List.of("cadre:root")));
            assertThat(root.admin()).isTrue();
            assertThat(root.can("teams", "t", "run")).isTrue();

            assertThat(request(custom, "POST", "/agents/a/runs", List.of("agent_os:admin")))
                    .isEqualTo(denied(403, "Insufficient permissions. Required scope(s): agents:run"));
            Caller pretender = caller(request(custom, "GET", "/agents", List.of("agent_os:admin")));
            assertThat(pretender.admin()).isFalse();
            assertThat(pretender.can("agents", "a", "run")).isFalse();
            assertThat(pretender.mayList("agents", "a")).isFalse();
        }
    }

    @Nested
    class WithAuthorizationOff {

        private final Authenticator.Jwt noRbac = rbac(b -> b.authorization(false));

        @Test
        void anyValidTokenReachesEveryRouteAndEveryResource() {
            for (String[] route : new String[][] {{"POST", "/agents/a/runs"}, {"DELETE", "/sessions/s"},
                {"GET", "/config"}, {"GET", "/agents"}}) {
                Caller caller = caller(request(noRbac, route[0], route[1], List.of()));
                assertThat(caller.authorization()).isFalse();
                assertThat(caller.can("agents", "a", "run")).isTrue();
                assertThat(caller.mayList("teams", "t")).isTrue();
            }
        }

        @Test
        void stillNeedsAValidToken() {
            assertThat(noRbac.authenticate("GET", "/config", Optional.empty()))
                    .isEqualTo(denied(401, "Authorization header missing"));
        }
    }

    @Nested
    class UserIsolation {

        @Test
        void scopesANonAdminCallerToItsSubject() {
            Caller caller = caller(request("GET", "/sessions", "sessions:read"));

            assertThat(caller.isolated()).isTrue();
            assertThat(caller.scopedUserId()).hasValue("user-1");
        }

        @Test
        void neverScopesAnAdmin() {
            Caller caller = caller(request("GET", "/sessions", "agent_os:admin"));

            assertThat(caller.isolated()).isFalse();
            assertThat(caller.scopedUserId()).isEmpty();
        }

        @Test
        void needsASubject() {
            Caller caller = caller(RBAC.authenticate("GET", "/sessions",
                    bearer(Tokens.hs256(claims("sub", null, "scopes", List.of("sessions:read"))))));

            assertThat(caller.isolated()).isFalse();
            assertThat(caller.scopedUserId()).isEmpty();
        }

        @Test
        void canBeTurnedOff() {
            Caller caller = caller(request(rbac(b -> b.userIsolation(false)), "GET", "/sessions",
                    List.of("sessions:read")));

            assertThat(caller.userId()).hasValue("user-1");
            assertThat(caller.isolated()).isFalse();
            assertThat(caller.scopedUserId()).isEmpty();
        }
    }

    @Nested
    class ExcludedPathsAndPreflights {

        @ParameterizedTest
        @CsvSource({"GET,/", "GET,/health", "GET,/health/", "GET,/ready", "GET,/info", "GET,/docs", "GET,/redoc",
            "GET,/openapi.json", "GET,/docs/oauth2-redirect", "OPTIONS,/agents/a/runs", "options,/sessions"})
        void needNoTokenAndYieldTheAnonymousCaller(String method, String path) {
            assertThat(RBAC.authenticate(method, path, Optional.empty())).isEqualTo(
                    new Decision.Allowed(Caller.anonymous()));
            assertThat(RBAC.authenticate(method, path, Optional.of("Bearer garbage"))).isEqualTo(
                    new Decision.Allowed(Caller.anonymous()));
        }

        @Test
        void excludeOnlyTheExactPathByDefault() {
            assertThat(RBAC.authenticate("GET", "/health/deep", Optional.empty()))
                    .isEqualTo(denied(401, "Authorization header missing"));
            assertThat(RBAC.authenticate("GET", "/docsx", Optional.empty()))
                    .isEqualTo(denied(401, "Authorization header missing"));
        }

        @Test
        void canBeReplacedWithShellPatterns() {
            Authenticator.Jwt custom = rbac(b -> b.excludedPaths(List.of("/public/*", "/status")));

            assertThat(custom.authenticate("GET", "/public/a/b", Optional.empty())).isInstanceOf(Decision.Allowed.class);
            assertThat(custom.authenticate("GET", "/status/", Optional.empty())).isInstanceOf(Decision.Allowed.class);
            assertThat(custom.authenticate("GET", "/health", Optional.empty()))
                    .isEqualTo(denied(401, "Authorization header missing"));
        }
    }
}
