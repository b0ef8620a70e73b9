package dev.cadre.server;

import static dev.cadre.server.Http.form;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.jdbc.JdbcDbs;
import dev.cadre.run.RunStatus;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Many clients at once: background runs through HTTP, a third of them cancelled. */
class ConcurrentRunsTest {

    private record Started(int index, String runId, String sessionId, boolean toCancel) {
    }

    @Test
    void fiftyStreamingClientsAtOnceEachGetTheirOwnWholeAnswer() throws Exception {
        try (TestBed bed = new TestBed(); ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<List<JsonNode>>> streams = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                String msg = "[slow] stream " + i;
                streams.add(clients.submit(() -> Sse.lineBased(
                        bed.http.postForm(msg.endsWith("0") ? "/teams/crew/runs" : "/agents/echo/runs",
                                form("message", msg)).body())));
            }
            for (Future<List<JsonNode>> f : streams) {
                List<JsonNode> events = f.get();
                assertThat(events.getLast().get("event").asText()).endsWith("RunCompleted");
                assertThat(events.getLast().get("content").asText()).isEqualTo("one two three four five six seven eight nine ten");
                assertThat(events.stream().map(e -> e.get("run_id").asText()).distinct()).hasSize(1);
                // The terminal event is sent once the end is stored; the run leaves the registry just after.
                assertThat(bed.runManager.awaitRun(events.getLast().get("run_id").asText(), Duration.ofSeconds(10)))
                        .isTrue();
            }
            assertThat(bed.runManager.activeRunIds()).isEmpty();
        }
    }

    @Test
    void twoHundredBackgroundRunsEndInTheRightStatusAndNoneIsLeftRunning() throws Exception {
        try (TestBed bed = new TestBed()) {
            twoHundredRuns(bed);
        }
    }

    @Test
    void theSameOnSqlite(@TempDir Path dir) throws Exception {
        try (TestBed bed = new TestBed(JdbcDbs.open("sqlite:" + dir.resolve("cadre.db").toString().replace('\\', '/')),
                b -> { })) {
            twoHundredRuns(bed);
        }
    }

    @Test
    void theSameOnPostgres() throws Exception {
        // Like cadre-jdbc's tests: the local server (or CADRE_TEST_PG_URL); skipped when it is not
        // reachable, except in CI. A schema of its own, dropped afterwards.
        String url = Optional.ofNullable(System.getenv("CADRE_TEST_PG_URL")).filter(u -> !u.isBlank())
                .orElse("jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
        String schema = "cadre_server_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try {
            DriverManager.setLoginTimeout(3);
            try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
                st.execute("CREATE SCHEMA " + schema);
            }
        } catch (SQLException e) {
            String ci = System.getenv("CI");
            assertThat(ci == null || ci.isBlank()).as("PostgreSQL is required in CI: " + e.getMessage()).isTrue();
            Assumptions.abort("PostgreSQL not reachable (" + e.getMessage() + "); start it or set CADRE_TEST_PG_URL");
        }
        try (TestBed bed = new TestBed(JdbcDbs.open(url + (url.contains("?") ? "&" : "?") + "schema=" + schema),
                b -> { })) {
            twoHundredRuns(bed);
        } finally {
            try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
                st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    private static void twoHundredRuns(TestBed bed) throws Exception {
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Started>> starting = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                int index = i;
                boolean toCancel = i % 3 == 0;
                starting.add(clients.submit(() -> {
                    // The runs to cancel never get an answer from the model, so only the cancel can end them.
                    String msg = (toCancel ? "[stall] " : "") + "run " + index;
                    Http.Response r = bed.http.postForm(index % 2 == 0 ? "/agents/echo/runs" : "/teams/crew/runs",
                            form("message", msg, "stream", "false", "background", "true"));
                    assertThat(r.status()).isEqualTo(202);
                    return new Started(index, r.json().get("run_id").asText(), r.json().get("session_id").asText(),
                            toCancel);
                }));
            }
            List<Started> runs = new ArrayList<>();
            for (Future<Started> f : starting) {
                runs.add(f.get());
            }

            List<Future<Http.Response>> cancels = new ArrayList<>();
            for (Started s : runs) {
                if (s.toCancel()) {
                    String kind = s.index() % 2 == 0 ? "agents/echo" : "teams/crew";
                    cancels.add(clients.submit(() -> bed.http.post("/" + kind + "/runs/" + s.runId() + "/cancel")));
                }
            }
            for (Future<Http.Response> c : cancels) {
                assertThat(c.get().status()).isEqualTo(200);
                assertThat(c.get().json().get("cancelled").asBoolean()).isTrue();
            }

            for (Started s : runs) {
                assertThat(bed.runManager.awaitRun(s.runId(), Duration.ofSeconds(30))).isTrue();
                String kind = s.index() % 2 == 0 ? "agents/echo" : "teams/crew";
                JsonNode polled = bed.http.get("/" + kind + "/runs/" + s.runId() + "?session_id=" + s.sessionId()).json();
                assertThat(polled.get("status").asText()).as("run %d", s.index())
                        .isEqualTo(s.toCancel() ? "CANCELLED" : "COMPLETED");
            }
            assertThat(runs).filteredOn(Started::toCancel).hasSize(67);
            assertThat(bed.runManager.activeRunIds()).isEmpty();
            assertThat(runs).allSatisfy(s -> assertThat(bed.store.getRun(s.runId()).orElseThrow().status())
                    .isNotIn(RunStatus.RUNNING, RunStatus.PENDING));
        }
    }
}
