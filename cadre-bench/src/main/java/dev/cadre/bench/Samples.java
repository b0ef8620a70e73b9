package dev.cadre.bench;

import java.util.Arrays;

/**
 * Latency samples in nanoseconds, kept whole so that percentiles come from every sample (nearest
 * rank on the sorted array), not from buckets or averages of averages.
 */
public final class Samples {

    private long[] values;
    private int size;

    public Samples(int expected) {
        values = new long[Math.max(16, expected)];
    }

    public synchronized void add(long nanos) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = nanos;
    }

    public synchronized int size() {
        return size;
    }

    /** The p-th percentile (0 < p ≤ 100), in nanoseconds; NaN when empty. */
    public synchronized double percentile(double p) {
        if (size == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(values, size);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * size);
        return sorted[Math.min(size, Math.max(1, rank)) - 1];
    }

    public synchronized double mean() {
        if (size == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (int i = 0; i < size; i++) {
            sum += values[i];
        }
        return sum / size;
    }

    public double p50Micros() {
        return percentile(50) / 1_000.0;
    }

    public double p99Micros() {
        return percentile(99) / 1_000.0;
    }

    public double p50Millis() {
        return percentile(50) / 1_000_000.0;
    }

    public double p99Millis() {
        return percentile(99) / 1_000_000.0;
    }
}
