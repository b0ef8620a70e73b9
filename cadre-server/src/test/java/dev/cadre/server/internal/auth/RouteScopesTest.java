package dev.cadre.server.internal.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The scopes each Cadre route requires; {@code *} in the table is one path segment, so depth never confuses it. */
class RouteScopesTest {

    @ParameterizedTest(name = "{0} {1} needs {2}")
    @CsvSource(delimiter = '|', textBlock = """
            GET    | /config                         | config:read
            GET    | /models                         | config:read
            GET    | /agents                         | agents:read
            GET    | /agents/web                     | agents:read
            GET    | /agents/web/runs/r1             | agents:read
            POST   | /agents/web/runs                | agents:run
            POST   | /agents/web/runs/r1/continue    | agents:run
            POST   | /agents/web/runs/r1/cancel      | agents:run
            POST   | /agents/web/runs/r1/resume      | agents:run
            GET    | /teams                          | teams:read
            GET    | /teams/crew                     | teams:read
            GET    | /teams/crew/runs/r1             | teams:read
            POST   | /teams/crew/runs                | teams:run
            POST   | /teams/crew/runs/r1/continue    | teams:run
            POST   | /teams/crew/runs/r1/cancel      | teams:run
            POST   | /teams/crew/runs/r1/resume      | teams:run
            GET    | /sessions                       | sessions:read
            GET    | /sessions/s1                    | sessions:read
            GET    | /sessions/s1/runs               | sessions:read
            GET    | /sessions/s1/runs/r1            | sessions:read
            POST   | /sessions                       | sessions:write
            POST   | /sessions/s1/rename             | sessions:write
            PATCH  | /sessions/s1                    | sessions:write
            DELETE | /sessions                       | sessions:delete
            DELETE | /sessions/s1                    | sessions:delete
            GET    | /runs/r1                        | sessions:read
            GET    | /memories                       | memories:read
            GET    | /memories/m1                    | memories:read
            GET    | /memory_topics                  | memories:read
            GET    | /user_memory_stats              | memories:read
            POST   | /memories                       | memories:write
            PATCH  | /memories/m1                    | memories:write
            POST   | /optimize-memories              | memories:write
            DELETE | /memories                       | memories:delete
            DELETE | /memories/m1                    | memories:delete
            GET    | /metrics                        | metrics:read
            GET    | /metrics/refresh/status         | metrics:read
            GET    | /metrics/prometheus             | metrics:read
            POST   | /metrics/refresh                | metrics:write
            get    | /agents/web/                    | agents:read
            POST   | /teams/crew/runs/               | teams:run
            """)
    void requires(String method, String path, String scope) {
        assertThat(RouteScopes.requiredScopes(method, path)).containsExactly(scope);
    }

    @ParameterizedTest(name = "{0} {1} needs nothing")
    @CsvSource(delimiter = '|', textBlock = """
            POST   | /runs/r1/cancel
            GET    | /
            GET    | /health
            GET    | /configuration
            POST   | /agents
            POST   | /agents/web
            POST   | /agents/web/runs/r1
            POST   | /agents/web/runs/r1/other
            POST   | /agents/web/extra/runs
            PUT    | /sessions/s1
            GET    | /agentsx
            """)
    void requiresNothing(String method, String path) {
        assertThat(RouteScopes.requiredScopes(method, path)).isEmpty();
    }

    @ParameterizedTest(name = "{0} is about {1}/{2}")
    @CsvSource(delimiter = '|', textBlock = """
            /agents/web/runs  | agents | web
            /agents           | agents | ''
            /teams/crew       | teams  | crew
            /sessions/s1      | ''     | ''
            /knowledge/agents | ''     | ''
            """)
    void namesTheResourceAPathIsAbout(String path, String type, String id) {
        var context = RouteScopes.resourceContext(path);

        assertThat(List.of(context.getKey(), context.getValue())).containsExactly(type, id);
    }
}
