package dev.cadre.store;

import dev.cadre.run.RunMetrics;

/**
 * Token counts, as a run's metrics report them and as stores add them up per session, model and day. Counts may
 * be negative only as the difference of two counts ({@link #minus}).
 */
public record TokenCounts(long inputTokens, long outputTokens, long totalTokens, long cacheReadTokens,
        long reasoningTokens) {

    public static final TokenCounts ZERO = new TokenCounts(0, 0, 0, 0, 0);

    /** The counts of a run's metrics. */
    public static TokenCounts of(RunMetrics metrics) {
        return new TokenCounts(metrics.inputTokens(), metrics.outputTokens(), metrics.totalTokens(),
                metrics.cacheReadTokens(), metrics.reasoningTokens());
    }

    public TokenCounts plus(TokenCounts o) {
        return new TokenCounts(inputTokens + o.inputTokens, outputTokens + o.outputTokens, totalTokens + o.totalTokens,
                cacheReadTokens + o.cacheReadTokens, reasoningTokens + o.reasoningTokens);
    }

    public TokenCounts minus(TokenCounts o) {
        return new TokenCounts(inputTokens - o.inputTokens, outputTokens - o.outputTokens, totalTokens - o.totalTokens,
                cacheReadTokens - o.cacheReadTokens, reasoningTokens - o.reasoningTokens);
    }

    public boolean isZero() {
        return equals(ZERO);
    }
}
