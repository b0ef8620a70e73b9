package dev.cadre.bench;

/**
 * One line of the results table: Cadre's figure next to its baseline.
 *
 * @param benchmark what was measured
 * @param cadre Cadre's figure
 * @param baseline the baseline's figure, NaN when there is none
 * @param baselineName what the baseline is (the raw floor, a peer, or a published number)
 * @param unit the unit of both figures
 * @param samples how many samples the figures are computed from
 * @param note how to read the line
 */
public record Result(String suite, String benchmark, double cadre, double baseline, String baselineName, String unit,
        long samples, String note) {

    /** Cadre ÷ baseline: above 1 means Cadre takes more (time, memory) or does more (throughput). */
    public double ratio() {
        return Double.isNaN(baseline) || baseline == 0 ? Double.NaN : cadre / baseline;
    }

    public static Result of(String suite, String benchmark, double cadre, double baseline, String baselineName,
            String unit, long samples, String note) {
        return new Result(suite, benchmark, cadre, baseline, baselineName, unit, samples, note);
    }
}
