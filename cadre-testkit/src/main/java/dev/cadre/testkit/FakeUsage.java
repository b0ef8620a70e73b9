package dev.cadre.testkit;

/**
 * Token counts a scripted {@link Reply} reports. Rendered as {@code prompt_tokens}/{@code
 * completion_tokens} for Chat and {@code input_tokens}/{@code output_tokens} for Responses; the total
 * is their sum. {@code FakeAnthropicServer} reports {@code inputTokens} as Anthropic's (uncached)
 * {@code input_tokens}, {@code cachedTokens} as {@code cache_read_input_tokens} and {@code cacheWriteTokens}
 * as {@code cache_creation_input_tokens}; the OpenAI formats have no cache writes.
 */
public record FakeUsage(long inputTokens, long outputTokens, long cachedTokens, long reasoningTokens,
        long cacheWriteTokens) {

    public FakeUsage {
        if (inputTokens < 0 || outputTokens < 0 || cachedTokens < 0 || reasoningTokens < 0 || cacheWriteTokens < 0) {
            throw new IllegalArgumentException("token counts must not be negative");
        }
    }

    /** Counts without cache writes. */
    public FakeUsage(long inputTokens, long outputTokens, long cachedTokens, long reasoningTokens) {
        this(inputTokens, outputTokens, cachedTokens, reasoningTokens, 0);
    }

    public static FakeUsage of(long inputTokens, long outputTokens) {
        return new FakeUsage(inputTokens, outputTokens, 0, 0);
    }

    public long totalTokens() {
        return inputTokens + outputTokens;
    }

    /** The same counts with this many cached input tokens. */
    public FakeUsage withCachedTokens(long n) {
        return new FakeUsage(inputTokens, outputTokens, n, reasoningTokens, cacheWriteTokens);
    }

    /** The same counts with this many reasoning output tokens. */
    public FakeUsage withReasoningTokens(long n) {
        return new FakeUsage(inputTokens, outputTokens, cachedTokens, n, cacheWriteTokens);
    }

    /** The same counts with this many input tokens written to the prompt cache. */
    public FakeUsage withCacheWriteTokens(long n) {
        return new FakeUsage(inputTokens, outputTokens, cachedTokens, reasoningTokens, n);
    }
}
