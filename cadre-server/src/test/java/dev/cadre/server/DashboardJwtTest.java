package dev.cadre.server;

import static dev.cadre.server.JwtServerTest.SECRET;
import static dev.cadre.server.JwtServerTest.USER_SCOPES;
import static dev.cadre.server.JwtServerTest.token;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.run.RunRequest;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The runs dashboard under JWT: the page is open, its listing needs {@code sessions:read} and keeps users apart. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardJwtTest {

    private TestBed bed;
    private String bobsRun;

    @BeforeAll
    void start() {
        bed = new TestBed(b -> b.jwt(JwtAuth.builder().verificationKey(SECRET).build()));
        bed.echo.run(RunRequest.builder("alice's").userId("alice").build());
        bobsRun = bed.echo.run(RunRequest.builder("bob's").userId("bob").build()).runId();
    }

    @AfterAll
    void stop() {
        bed.close();
    }

    private static List<String> users(JsonNode page) {
        return StreamSupport.stream(page.get("data").spliterator(), false).map(n -> n.get("user_id").asText()).toList();
    }

    @Test
    void thePageNeedsNoTokenButItsListingDoes() {
        assertThat(bed.http.get("/ui").status()).isEqualTo(200);
        Http.Response r = bed.http.get("/ui/api/runs");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().get("detail").asText()).isEqualTo("Authorization header missing");
    }

    @Test
    void aUserSeesOnlyTheirOwnRunsWhateverUserTheyAskFor() {
        Http alice = bed.as(token("alice", USER_SCOPES));

        assertThat(users(alice.get("/ui/api/runs").json())).containsOnly("alice").isNotEmpty();
        assertThat(users(alice.get("/ui/api/runs?user_id=bob").json())).isEmpty();
        assertThat(users(bed.as(token("root", "agent_os:admin")).get("/ui/api/runs").json()))
                .contains("alice", "bob");
    }

    @Test
    void theListingNeedsTheSessionsReadScope() {
        Http.Response r = bed.as(token("carol", "agents:read")).get("/ui/api/runs");
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.json().get("detail").asText()).contains("sessions:read");
    }

    @Test
    void theChartCountsOnlyTheUsersOwnRuns() {
        Http alice = bed.as(token("alice", USER_SCOPES));

        int own = alice.get("/ui/api/stats").json().get("total").asInt();
        int all = bed.as(token("root", "agent_os:admin")).get("/ui/api/stats").json().get("total").asInt();

        assertThat(own).isEqualTo(1);
        assertThat(all).isEqualTo(2);
        assertThat(alice.get("/ui/api/stats?user_id=bob").json().get("total").asInt()).isZero();
    }

    @Test
    void aRunsLiveStateIsTheOwnersAlone() {
        Http.Response alices = bed.as(token("alice", USER_SCOPES)).get("/ui/api/runs/" + bobsRun + "/live");
        assertThat(alices.status()).isEqualTo(404);
        assertThat(alices.json().get("detail").asText()).isEqualTo("Run not found");
        Http.Response bobs = bed.as(token("bob", USER_SCOPES)).get("/ui/api/runs/" + bobsRun + "/live");
        assertThat(bobs.status()).isEqualTo(200);
        assertThat(bobs.json().get("run").get("user_id").asText()).isEqualTo("bob");
    }
}
