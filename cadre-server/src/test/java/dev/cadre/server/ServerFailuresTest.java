package dev.cadre.server;

import static dev.cadre.server.Http.form;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.run.RunResult;
import dev.cadre.db.ForwardingDb;
import dev.cadre.db.InMemoryDb;
import dev.cadre.db.Page;
import dev.cadre.db.SessionQuery;
import dev.cadre.db.SessionRecord;
import dev.cadre.db.DbException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What the server answers when something behind it fails: a typed failure its status, anything else an
 * honest 500 — and no body ever names what only the operator should see.
 */
class ServerFailuresTest {

    /** A store whose listing fails as told, and that counts how often runs are read. */
    static final class Faulty extends ForwardingDb {
        volatile RuntimeException listingFailure;
        final AtomicInteger runListings = new AtomicInteger();

        Faulty() {
            super(new InMemoryDb());
        }

        @Override
        public Page<SessionRecord> listSessions(SessionQuery query) {
            RuntimeException f = listingFailure;
            if (f != null) {
                throw f;
            }
            return super.listSessions(query);
        }

        @Override
        public List<RunResult> listRuns(String sessionId) {
            runListings.incrementAndGet();
            return super.listRuns(sessionId);
        }
    }

    @Test
    void aServerBugIsA500WithAnErrorIdAndNoInternals() {
        Faulty store = new Faulty();
        try (TestBed bed = new TestBed(store, b -> { })) {
            store.listingFailure = new IllegalStateException("broken at /var/lib/cadre/secret.db, host db-7:5432");

            Http.Response r = bed.http.get("/sessions");

            assertThat(r.status()).isEqualTo(500);
            assertThat(r.json().get("detail").asText()).matches("Internal server error; .* error [0-9a-f]{8}");
            assertThat(r.body()).doesNotContain("secret").doesNotContain("5432").doesNotContain("IllegalState");
        }
    }

    @Test
    void anArgumentProblemDeepInsideIsNotPassedOffAsTheClientsFault() {
        Faulty store = new Faulty();
        try (TestBed bed = new TestBed(store, b -> { })) {
            store.listingFailure = new IllegalArgumentException("limit must be between 1 and 1000, was 0");

            assertThat(bed.http.get("/sessions").status()).isEqualTo(500);
        }
    }

    @Test
    void aStoreThatIsDownIsA503ThatMayBeRetried() {
        Faulty store = new Faulty();
        try (TestBed bed = new TestBed(store, b -> { })) {
            store.listingFailure = new DbException(DbException.Kind.UNAVAILABLE,
                    "Listing sessions in the PostgreSQL database at db-7:5432/cadre failed: SQL state 08006");

            Http.Response r = bed.http.get("/sessions");

            assertThat(r.status()).isEqualTo(503);
            assertThat(r.header("Retry-After")).isEqualTo("1");
            assertThat(r.json().get("detail").asText()).contains("database is unavailable").contains("retried");
            assertThat(r.body()).doesNotContain("08006").doesNotContain("db-7");
        }
    }

    @Test
    void listingSessionsReadsNoRunsEvenForUnnamedSessions() {
        Faulty store = new Faulty();
        try (TestBed bed = new TestBed(store, b -> { })) {
            for (int i = 0; i < 5; i++) {
                bed.http.postForm("/agents/echo/runs", form("message", "question " + i, "stream", "false"));
            }
            int before = store.runListings.get();

            Http.Response r = bed.http.get("/sessions?limit=1000");

            assertThat(r.status()).isEqualTo(200);
            assertThat(store.runListings.get()).as("runs read by the listing").isEqualTo(before);
            assertThat(r.json().get("data")).extracting(s -> s.get("session_name").asText())
                    .containsExactlyInAnyOrder("question 4", "question 3", "question 2", "question 1", "question 0");
        }
    }

    @Test
    void duringTheShutdownGraceReadinessIs503AndLivenessStays200() throws Exception {
        TestBed bed = new TestBed();
        try {
            String runId = bed.http.postForm("/agents/echo/runs",
                    form("message", "[stall] keep the grace period open", "stream", "false", "background", "true"))
                    .json().get("run_id").asText();
            bed.awaitModelCall("[stall] keep the grace period open");
            assertThat(bed.http.get("/ready").status()).isEqualTo(200);
            Thread stopping = Thread.ofVirtual().start(() -> bed.server.stop(Duration.ofMinutes(5)));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (bed.http.get("/ready").status() != 503) {
                assertThat(System.nanoTime()).as("readiness turns 503 once stopping").isLessThan(deadline);
                Thread.onSpinWait();
            }

            assertThat(bed.http.get("/ready").json().get("detail").asText()).isEqualTo("Cadre is shutting down");
            assertThat(bed.http.get("/health").status()).isEqualTo(200);
            assertThat(bed.http.postForm("/agents/echo/runs", form("message", "too late")).status()).isEqualTo(503);

            // End the grace period early: the one run still going is cancelled.
            assertThat(bed.http.post("/agents/echo/runs/" + runId + "/cancel").status()).isEqualTo(200);
            stopping.join(Duration.ofSeconds(30));
            assertThat(stopping.isAlive()).isFalse();
        } finally {
            bed.close();
        }
    }
}
