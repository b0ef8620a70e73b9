package dev.cadre.server;

import static dev.cadre.server.Http.form;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.jdbc.PostgresDb;
import dev.cadre.jdbc.ThrowawayPostgres;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * PostgreSQL goes down under a serving server: every database call is a quick, honest 503 that says the
 * request may be retried, readiness says so too, liveness does not — and all recovers by itself.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DatabaseOutageTest {

    private ThrowawayPostgres pg;
    private TestBed bed;

    @BeforeAll
    void start() {
        pg = ThrowawayPostgres.start();
        bed = new TestBed(PostgresDb.builder().url(pg.url()).withoutJournal().build(), b -> { });
    }

    @AfterAll
    void stop() {
        if (bed != null) {
            bed.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() < deadline).as("waiting until " + what).isTrue();
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
    }

    private static void assertUnavailable(Http.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(503);
        assertThat(r.json().get("detail").asText()).contains("database is unavailable").contains("may be retried");
        assertThat(r.header("Retry-After")).isEqualTo("1");
        BadInputContract.assertNoInternals(r);
    }

    @Test
    void whileTheDatabaseIsDownEveryCallIsA503AndTheServerRecoversByItself() {
        String sessionId = bed.http.postForm("/agents/echo/runs", form("message", "before", "stream", "false")).json()
                .get("session_id").asText();
        assertThat(bed.http.get("/ready").status()).isEqualTo(200);

        pg.down();
        try {
            long start = System.nanoTime();
            List<Http.Response> answers = List.of(
                    bed.http.get("/sessions"),
                    bed.http.get("/sessions/" + sessionId),
                    bed.http.postForm("/agents/echo/runs", form("message", "during", "stream", "false")),
                    bed.http.postForm("/teams/crew/runs", form("message", "bg", "stream", "false", "background", "true")),
                    bed.http.post("/agents/echo/runs/unknown-run/cancel"),
                    bed.http.get("/runs/unknown-run"));
            answers.forEach(DatabaseOutageTest::assertUnavailable);
            // Quick: none waits for a connection timeout (a generous bound; the benchmark measures it).
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));

            Http.Response ready = bed.http.get("/ready");
            assertThat(ready.status()).isEqualTo(503);
            assertThat(ready.json().get("detail").asText()).isEqualTo("The database is unavailable");
            assertThat(bed.http.get("/health").status()).isEqualTo(200); // alive all the same
        } finally {
            pg.up();
        }

        await("the server is ready again", () -> bed.http.get("/ready").status() == 200);
        assertThat(bed.http.get("/sessions/" + sessionId).status()).isEqualTo(200);
        assertThat(bed.http.postForm("/agents/echo/runs", form("message", "after", "stream", "false")).status())
                .isEqualTo(200);
    }
}
