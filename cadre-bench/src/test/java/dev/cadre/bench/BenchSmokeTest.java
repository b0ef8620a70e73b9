package dev.cadre.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every benchmark in a tiny configuration, in this JVM, and checks that each produces numbers.
 * It says nothing about performance: the real runs are {@code Bench} in quick or full mode.
 */
class BenchSmokeTest {

    @Test
    void everyBenchmarkRunsAndProducesNumbers(@TempDir Path dir) throws Exception {
        List<String> names = Suite.all().stream().map(Suite::name).toList();

        Report report = Bench.run(Config.SMOKE, names, false);

        assertThat(report.suites()).extracting(Report.SuiteReport::suite).containsExactlyElementsOf(names);
        for (Report.SuiteReport suite : report.suites()) {
            assertThat(suite.failure()).as(suite.suite()).isNull();
            assertThat(suite.results()).as(suite.suite()).isNotEmpty();
            for (Result r : suite.results()) {
                assertThat(r.cadre()).as(r.benchmark()).isFinite().isGreaterThanOrEqualTo(0);
                assertThat(r.samples()).as(r.benchmark()).isPositive();
            }
        }
        assertThat(report.table()).contains("Agent build: time", "Team run (3 requests), Cadre, p50",
                "SQLite: cancel → CANCELLED committed, p50", "SQLite: completed background runs",
                "Heap per in-flight run");

        report.write(dir);
        assertThat(Report.JSON.readValue(dir.resolve("bench-results.json").toFile(), Report.class).suites())
                .hasSameSizeAs(names);
        assertThat(Files.readString(dir.resolve("bench-results.md"))).contains("| benchmark | Cadre |");
    }
}
