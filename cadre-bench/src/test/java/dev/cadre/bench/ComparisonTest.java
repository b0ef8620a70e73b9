package dev.cadre.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A run against the committed baseline: ratios compared in the direction that is better, regressions named. */
class ComparisonTest {

    private static Report report(Result... lines) {
        return Report.of("quick", "2026-12-03T10:00:00Z", 1, Map.of(), List.of(new Report.SuiteReport("background",
                "4. Background runs", 1, Map.of(), List.of(lines), null)));
    }

    private static Result line(String name, double cadre, double floor, String unit) {
        return Result.of("background", name, cadre, floor, "floor", unit, 100, "");
    }

    @Test
    void aLatencyWhoseRatioGrewIsARegressionAndAThroughputThatGrewIsBetter() {
        Report before = report(line("accept, p99", 2000, 200, "µs"), line("completed runs", 500, 5000, "runs/s"),
                line("writes per run", 4, Double.NaN, "writes/run"));
        Report after = report(line("accept, p99", 3000, 200, "µs"), line("completed runs", 800, 5000, "runs/s"),
                line("writes per run", 3, Double.NaN, "writes/run"));

        Comparison c = Comparison.of(before, after);

        assertThat(c.lines()).extracting(Comparison.Line::benchmark, Comparison.Line::regression).containsExactly(
                org.assertj.core.groups.Tuple.tuple("accept, p99", true),
                org.assertj.core.groups.Tuple.tuple("completed runs", false),
                org.assertj.core.groups.Tuple.tuple("writes per run", false));
        assertThat(c.lines().get(0).change()).isEqualTo(-0.5);
        assertThat(c.lines().get(1).change()).isEqualTo(0.6);
        assertThat(c.lines().get(2).ofRatio()).as("no floor: Cadre's own figure").isFalse();
        assertThat(c.lines().get(2).change()).isEqualTo(0.25);
        assertThat(c.regressions()).isEqualTo(1);
        assertThat(c.markdown()).contains("1 moved the wrong way", "| background: accept, p99 | ratio to floor | "
                + "10.00× | 15.00× | -50% | -50% | **regression** |", "+60% | +60% | better |");
    }

    @Test
    void aRatioThatMovedOnlyBecauseItsFloorDidIsNoRegression() {
        Comparison c = Comparison.of(report(line("cancel, p99", 27, 1.0, "ms")),
                report(line("cancel, p99", 28, 0.6, "ms")));

        assertThat(c.lines().getFirst().change()).isLessThan(-Comparison.NOISE);
        assertThat(c.lines().getFirst().regression()).as("Cadre's own p99 is flat").isFalse();
    }

    @Test
    void aFasterMachineMovesNothingWhenTheFloorMovesWithCadre() {
        Comparison c = Comparison.of(report(line("accept, p50", 1000, 100, "µs")),
                report(line("accept, p50", 500, 50, "µs")));

        assertThat(c.lines().getFirst().change()).isZero();
        assertThat(c.regressions()).isZero();
    }

    @Test
    void linesOnlyOneSideHasAreListed() {
        Comparison c = Comparison.of(report(line("gone", 1, 1, "ms")), report(line("new", 1, 1, "ms")));

        assertThat(c.lines()).isEmpty();
        assertThat(c.onlyHere()).containsExactly("background: new");
        assertThat(c.onlyInBaseline()).containsExactly("background: gone");
    }

    @Test
    void theCommittedBaselineIsAReportOfEverySuite() throws Exception {
        Path baseline = Bench.baselineFile("");
        assertThat(baseline).exists();

        Report read = Report.JSON.readValue(Files.readString(baseline), Report.class);

        assertThat(read.suites()).extracting(Report.SuiteReport::suite)
                .containsAll(List.of("overhead", "cancel", "background", "concurrency"));
        assertThat(read.suites()).allSatisfy(s -> assertThat(s.results()).as(s.suite()).isNotEmpty());
        assertThat(Comparison.of(read, read).regressions()).isZero();
    }
}
