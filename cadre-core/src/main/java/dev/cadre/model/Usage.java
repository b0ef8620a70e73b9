package dev.cadre.model;

/**
 * Token counts of one or more model calls. Counts a provider does not report are zero.
 *
 * @param cacheReadTokens input tokens served from the provider's prompt cache
 * @param reasoningTokens output tokens spent on hidden reasoning
 * @param cacheWriteTokens input tokens written to the provider's prompt cache (OpenAI does not report them)
 */
public record Usage(long inputTokens, long outputTokens, long totalTokens, long cacheReadTokens, long reasoningTokens,
        long cacheWriteTokens) {

    public static final Usage NONE = new Usage(0, 0, 0, 0, 0, 0);

    /** Counts without cache writes, which most providers do not report. */
    public Usage(long inputTokens, long outputTokens, long totalTokens, long cacheReadTokens, long reasoningTokens) {
        this(inputTokens, outputTokens, totalTokens, cacheReadTokens, reasoningTokens, 0);
    }

    public static Usage of(long inputTokens, long outputTokens) {
        return new Usage(inputTokens, outputTokens, inputTokens + outputTokens, 0, 0, 0);
    }

    public Usage plus(Usage other) {
        return new Usage(inputTokens + other.inputTokens, outputTokens + other.outputTokens,
                totalTokens + other.totalTokens, cacheReadTokens + other.cacheReadTokens,
                reasoningTokens + other.reasoningTokens, cacheWriteTokens + other.cacheWriteTokens);
    }
}
