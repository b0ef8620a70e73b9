package dev.cadre.testkit;

/**
 * Token counts a scripted {@link Reply} reports. Rendered as {@code prompt_tokens}/{@code
 * completion_tokens} for Chat and {@code input_tokens}/{@code output_tokens} for Responses; the total
 * is their sum.
 */
public record FakeUsage(long inputTokens, long outputTokens, long cachedTokens, long reasoningTokens) {

    public FakeUsage {
        if (inputTokens < 0 || outputTokens < 0 || cachedTokens < 0 || reasoningTokens < 0) {
            throw new IllegalArgumentException("token counts must not be negative");
        }
    }

    public static FakeUsage of(long inputTokens, long outputTokens) {
        return new FakeUsage(inputTokens, outputTokens, 0, 0);
    }

    public long totalTokens() {
        return inputTokens + outputTokens;
    }

    /** The same counts with this many cached input tokens. */
    public FakeUsage withCachedTokens(long n) {
        return new FakeUsage(inputTokens, outputTokens, n, reasoningTokens);
    }

    /** The same counts with this many reasoning output tokens. */
    public FakeUsage withReasoningTokens(long n) {
        return new FakeUsage(inputTokens, outputTokens, cachedTokens, n);
    }
}
