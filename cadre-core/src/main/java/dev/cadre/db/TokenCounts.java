package dev.cadre.db;

import dev.cadre.run.ModelMetrics;
import dev.cadre.run.RunMetrics;

/**
 * Token counts, as a run's metrics report them and as stores add them up per session, model and day. Counts may
 * be negative only as the difference of two counts ({@link #minus}).
 */
public record TokenCounts(long inputTokens, long outputTokens, long totalTokens, long cacheReadTokens,
        long cacheWriteTokens, long reasoningTokens) {

    public static final TokenCounts ZERO = new TokenCounts(0, 0, 0, 0, 0, 0);

    /** The totals of a run's metrics. */
    public static TokenCounts of(RunMetrics m) {
        return new TokenCounts(m.inputTokens(), m.outputTokens(), m.totalTokens(), m.cacheReadTokens(),
                m.cacheWriteTokens(), m.reasoningTokens());
    }

    /** The counts of one model in a run's metrics. */
    public static TokenCounts of(ModelMetrics m) {
        return new TokenCounts(m.inputTokens(), m.outputTokens(), m.totalTokens(), m.cacheReadTokens(),
                m.cacheWriteTokens(), m.reasoningTokens());
    }

    public TokenCounts plus(TokenCounts o) {
        return new TokenCounts(inputTokens + o.inputTokens, outputTokens + o.outputTokens, totalTokens + o.totalTokens,
                cacheReadTokens + o.cacheReadTokens, cacheWriteTokens + o.cacheWriteTokens,
                reasoningTokens + o.reasoningTokens);
    }

    public TokenCounts minus(TokenCounts o) {
        return new TokenCounts(inputTokens - o.inputTokens, outputTokens - o.outputTokens, totalTokens - o.totalTokens,
                cacheReadTokens - o.cacheReadTokens, cacheWriteTokens - o.cacheWriteTokens,
                reasoningTokens - o.reasoningTokens);
    }

    public boolean isZero() {
        return equals(ZERO);
    }

    /** Whether any count is below zero: a difference that takes tokens away. */
    public boolean takesAway() {
        return inputTokens < 0 || outputTokens < 0 || totalTokens < 0 || cacheReadTokens < 0 || cacheWriteTokens < 0
                || reasoningTokens < 0;
    }
}
