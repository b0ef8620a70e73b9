package dev.cadre.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A run's results against a committed baseline ({@code cadre-bench/baseline.json}, a {@code bench-results.json} of
 * an earlier run): for each line both have, how Cadre's ratio to its floor moved. Ratios, not absolute figures,
 * because the floor is measured in the same run: a slower machine moves both. A line that moved the wrong way by
 * more than {@link #NOISE} is marked as a regression — when Cadre's own figure moved the wrong way too: a floor's
 * p99 from a short run is itself noisy, and a ratio that moved only because its floor did is no regression. Lines
 * only one side has are listed as such.
 */
record Comparison(String baselineStartedAt, String baselineMode, List<Line> lines, List<String> onlyHere,
        List<String> onlyInBaseline) {

    /** How far a ratio may move the wrong way before the line says so: short runs vary this much, p99s more. */
    static final double NOISE = 0.20;

    /**
     * One benchmark in both runs. {@code change} is the relative move of the ratio (or of Cadre's figure, for a
     * line without a floor) in the direction that is better: positive is better, negative worse;
     * {@code ownChange} the move of Cadre's own figure, the same way.
     */
    record Line(String suite, String benchmark, String unit, double baselineValue, double value, boolean ofRatio,
            double change, double ownChange) {

        boolean regression() {
            return change < -NOISE && ownChange < -NOISE;
        }
    }

    static Comparison of(Report baseline, Report now) {
        Map<String, Result> before = byKey(baseline);
        Map<String, Result> after = byKey(now);
        List<Line> lines = new ArrayList<>();
        List<String> onlyHere = new ArrayList<>();
        for (Map.Entry<String, Result> e : after.entrySet()) {
            Result was = before.get(e.getKey());
            if (was == null) {
                onlyHere.add(e.getKey());
                continue;
            }
            Result is = e.getValue();
            boolean ofRatio = !Double.isNaN(was.ratio()) && !Double.isNaN(is.ratio());
            double a = ofRatio ? was.ratio() : was.cadre();
            double b = ofRatio ? is.ratio() : is.cadre();
            boolean higher = higherIsBetter(is.unit());
            lines.add(new Line(is.suite(), is.benchmark(), is.unit(), a, b, ofRatio, change(a, b, higher),
                    change(was.cadre(), is.cadre(), higher)));
        }
        List<String> onlyInBaseline = before.keySet().stream().filter(k -> !after.containsKey(k)).toList();
        return new Comparison(baseline.startedAt(), baseline.mode(), lines, onlyHere, onlyInBaseline);
    }

    static Comparison of(Path baselineFile, Report now) throws IOException {
        return of(Report.JSON.readValue(baselineFile.toFile(), Report.class), now);
    }

    /** Throughput (per second) is better higher; times, sizes, counts per run are better lower. */
    static boolean higherIsBetter(String unit) {
        return unit.endsWith("/s");
    }

    private static double change(double before, double after, boolean higherIsBetter) {
        if (before == 0 || Double.isNaN(before) || Double.isNaN(after)) {
            return 0;
        }
        double moved = (after - before) / Math.abs(before);
        return higherIsBetter ? moved : -moved;
    }

    private static Map<String, Result> byKey(Report r) {
        Map<String, Result> out = new LinkedHashMap<>();
        for (Report.SuiteReport s : r.suites()) {
            for (Result line : s.results()) {
                out.put(line.suite() + ": " + line.benchmark(), line);
            }
        }
        return out;
    }

    long regressions() {
        return lines.stream().filter(Line::regression).count();
    }

    /** The comparison as a Markdown table, worst first within each suite's order. */
    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("Against the baseline of ").append(baselineStartedAt).append(" (mode `").append(baselineMode)
                .append("`): ").append(lines.size()).append(" lines compared, ").append(regressions())
                .append(" moved the wrong way by more than ").append(Math.round(NOISE * 100))
                .append("%, in their ratio and in Cadre's own figure.\n\n");
        md.append("| benchmark | compared | baseline | now | change | Cadre's own | |\n");
        md.append("|---|---|--:|--:|--:|--:|---|\n");
        for (Line l : lines) {
            md.append("| ").append(l.suite()).append(": ").append(l.benchmark()).append(" | ")
                    .append(l.ofRatio() ? "ratio to floor" : l.unit()).append(" | ")
                    .append(l.ofRatio() ? Report.ratio(l.baselineValue()) : Report.num(l.baselineValue()))
                    .append(" | ").append(l.ofRatio() ? Report.ratio(l.value()) : Report.num(l.value()))
                    .append(" | ").append(String.format(Locale.ROOT, "%+.0f%%", l.change() * 100)).append(" | ")
                    .append(String.format(Locale.ROOT, "%+.0f%%", l.ownChange() * 100)).append(" | ")
                    .append(l.regression() ? "**regression**" : l.change() > NOISE ? "better" : "")
                    .append(" |\n");
        }
        if (!onlyHere.isEmpty()) {
            md.append("\nNew lines (not in the baseline): ").append(String.join("; ", onlyHere)).append(".\n");
        }
        if (!onlyInBaseline.isEmpty()) {
            md.append("\nBaseline lines not measured in this run: ").append(onlyInBaseline.size()).append(".\n");
        }
        return md.toString();
    }
}
