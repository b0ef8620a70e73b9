package dev.cadre.server;

import static dev.cadre.server.Http.form;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** With a security key every request but {@code /}, {@code /health} and preflights needs it, as in AgentOS. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecurityKeyTest {

    private TestBed bed;

    @BeforeAll
    void start() {
        bed = new TestBed(b -> b.securityKey("s3cret-key"));
    }

    @AfterAll
    void stop() {
        bed.close();
    }

    @Test
    void rootHealthAndPreflightsNeedNoKey() {
        assertThat(bed.http.get("/").status()).isEqualTo(200);
        assertThat(bed.http.get("/health").status()).isEqualTo(200);
        assertThat(bed.http.options("/agents", Map.of("Origin", "http://localhost:3000",
                "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "authorization")).status())
                .isEqualTo(200);
    }

    @Test
    void aMissingKeyIs401HeaderRequired() {
        Http.Response r = bed.http.get("/agents");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().get("detail").asText()).isEqualTo("Authorization header required");
        assertThat(bed.http.postForm("/agents/echo/runs", form("message", "hi")).status()).isEqualTo(401);
    }

    @Test
    void aWrongKeyIs401InvalidTokenWithCorsHeadersForTheBrowser() {
        Http.Response r = new Http(bed.server.baseUrl()).header("Authorization", "Bearer wrong")
                .header("Origin", "http://localhost:3000").get("/sessions");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().get("detail").asText()).isEqualTo("Invalid authentication token");
        assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo("http://localhost:3000");
    }

    @Test
    void theRightKeyAsBearerOrBareTokenIsAccepted() {
        assertThat(new Http(bed.server.baseUrl()).header("Authorization", "Bearer s3cret-key").get("/agents").status())
                .isEqualTo(200);
        assertThat(new Http(bed.server.baseUrl()).header("Authorization", "bearer s3cret-key").get("/teams").status())
                .isEqualTo(200);
        assertThat(new Http(bed.server.baseUrl()).header("Authorization", "s3cret-key").get("/sessions").status())
                .isEqualTo(200);
        Http.Response run = new Http(bed.server.baseUrl()).header("Authorization", "Bearer s3cret-key")
                .postForm("/agents/echo/runs", form("message", "hi", "stream", "false"));
        assertThat(run.status()).isEqualTo(200);
    }
}
