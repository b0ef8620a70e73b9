package dev.cadre.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cadre.server.CadreServer;
import dev.cadre.testkit.FakeOpenAIServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every benchmark in a tiny configuration, in this JVM (the durable one's processes and the concurrency one's
 * fake server in JVMs of their own), and checks that each produces numbers.
 * It says nothing about performance: the real runs are {@code Bench} in quick or full mode.
 */
class BenchSmokeTest {

    @Test
    void everyBenchmarkRunsAndProducesNumbers(@TempDir Path dir) throws Exception {
        List<String> names = Suite.all().stream().map(Suite::name).toList();

        Report report = Bench.run(Config.SMOKE, names, false);

        assertThat(report.suites()).extracting(Report.SuiteReport::suite).containsExactlyElementsOf(names);
        boolean postgres = Databases.postgresReachable();
        for (Report.SuiteReport suite : report.suites()) {
            assertThat(suite.failure()).as(suite.suite()).isNull();
            if (suite.suite().equals("durable") && !postgres) {
                continue; // durable runs are PostgreSQL's alone: without it the suite says it skipped, and has no lines
            }
            assertThat(suite.results()).as(suite.suite()).isNotEmpty();
            for (Result r : suite.results()) {
                assertThat(r.samples()).as(r.benchmark()).isPositive();
                // CPU read in clock ticks (10 ms) from the PostgreSQL backends or an idle fleet over the smoke run's
                // short window: 0 is a reading, not a failure to measure, for the figure and its baseline alike (seen
                // in local runs and in CI, when the pool's connections were replaced between the two readings).
                boolean cpuTicks = r.benchmark().startsWith("durable: idle process")
                        || r.benchmark().contains("PostgreSQL CPU");
                // The ramp's added RSS is the difference of two readings of the process: with the smoke run's few
                // runs in flight, a collection between them can make it negative. It must still be a reading.
                boolean rssDelta = r.benchmark().contains("added RSS per run");
                if (cpuTicks) {
                    assertThat(r.cadre()).as(r.benchmark()).isFinite().isNotNegative();
                } else if (rssDelta) {
                    assertThat(r.cadre()).as(r.benchmark()).isFinite();
                } else if (r.unit().equals("requests")) {
                    // How many of the requests made went wrong (timeouts, errors): none, ideally.
                    assertThat(r.cadre()).as(r.benchmark()).isBetween(0.0, (double) r.samples());
                } else {
                    // A time, a size, a count or a rate of what was measured: zero means nothing was.
                    assertThat(r.cadre()).as(r.benchmark()).isFinite().isPositive();
                }
                if (cpuTicks && !Double.isNaN(r.baseline())) {
                    assertThat(r.baseline()).as(r.benchmark() + ": baseline").isFinite().isNotNegative();
                } else if (!Double.isNaN(r.baseline())) {
                    assertThat(r.baseline()).as(r.benchmark() + ": baseline").isFinite().isPositive();
                }
            }
        }
        // A line's p99 and p50 come from the same samples.
        Map<String, Double> figures = report.suites().stream().flatMap(s -> s.results().stream())
                .collect(Collectors.toMap(Result::benchmark, Result::cadre, (a, b) -> a));
        figures.forEach((benchmark, figure) -> {
            Double p50 = benchmark.endsWith(", p99") ? figures.get(benchmark.replace(", p99", ", p50")) : null;
            if (p50 != null) {
                assertThat(figure).as(benchmark + " against its p50").isGreaterThanOrEqualTo(p50);
            }
        });
        assertThat(report.table()).contains("Agent build: time", "Team run (3 requests), Cadre, p50",
                "SQLite: cancel → CANCELLED committed, p50", "SQLite: completed background runs",
                "Heap per in-flight run", "SQLite: listSessions limit 20, page 1, p50",
                "SQLite: listSessions limit 20, page 2, p99", "SQLite: GET /sessions?limit=1000, p99",
                "SQLite: GET /sessions?limit=20, 8 clients: answered", "SQLite: GET /health during that load, p99");
        if (postgres) {
            assertThat(report.table()).contains("durable: submit → PENDING, idle, p50",
                    "durable: completed background runs, 2 process(es)", "durable: cancel → fake sees connection closed",
                    "durable: kill -9 → every run COMPLETED elsewhere");
        }
        // Latencies and rates of the listing, and their floors, are real measurements, not placeholders.
        Report.SuiteReport listing = report.suites().stream().filter(s -> s.suite().equals("listing")).findFirst()
                .orElseThrow();
        assertThat(listing.results()).filteredOn(r -> r.unit().equals("ms") || r.unit().equals("req/s"))
                .hasSizeGreaterThanOrEqualTo(14).allSatisfy(r -> {
                    assertThat(r.cadre()).as(r.benchmark()).isFinite().isPositive();
                    assertThat(r.baseline()).as(r.benchmark() + ": floor").isFinite().isPositive();
                });

        report.write(dir);
        assertThat(Report.JSON.readValue(dir.resolve("bench-results.json").toFile(), Report.class).suites())
                .hasSameSizeAs(names);
        assertThat(Files.readString(dir.resolve("bench-results.md"))).contains("| benchmark | Cadre |");
    }

    @Test
    void aListingOfTheBenchmarksSessionsHasEveryItemWithItsName() throws Exception {
        try (Databases.Database db = Databases.sqlite(); FakeOpenAIServer openai = FakeOpenAIServer.start()) {
            ListingData.Populated data = ListingData.populate(db.db(), 50, 4);
            assertThat(data.named()).isEqualTo(25);
            assertThat(db.db().listRuns(data.newestFirst().get(0))).singleElement()
                    .satisfies(run -> assertThat(run.messages()).hasSize(5));
            CadreServer server = ListingSuite.startServer(db.db(), openai.baseUrl());
            try (ListingHttp http = new ListingHttp(server.baseUrl())) {
                for (int limit : new int[] {20, 1000}) {
                    JsonNode page = new ObjectMapper().readTree(
                            http.get(http.request("/sessions?limit=" + limit, Duration.ofSeconds(30))));

                    assertThat(page.path("data")).hasSize(Math.min(limit, 50));
                    assertThat(page.path("meta").path("total_count").asInt()).isEqualTo(50);
                    for (JsonNode s : page.path("data")) {
                        String id = s.path("session_id").asText();
                        assertThat(s.path("session_name").asText()).as(id).isNotBlank()
                                .isEqualTo(data.displayNames().get(id));
                    }
                }
            } finally {
                server.stop(Duration.ofSeconds(5));
            }
        }
    }
}
