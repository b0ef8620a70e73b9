/**
 * Parts for writing a {@link dev.cadre.model.Model} on top of an HTTP SDK: a {@link RetryLoop} that an
 * {@link dev.cadre.model.AbortSignal} can cut short (with {@link Backoff}, {@link RetryAfter} and
 * {@link HttpRetryRules} for its waits), the {@link ModelCallRunner} that runs non-streamed and streamed attempts
 * under it, {@link ModelFailures} for the messages of failures every provider shares, and {@link ModelOptions}
 * for the builder options every HTTP model has.
 * Cadre's own models (OpenAI, Anthropic, Gemini) are built on them; a model of your own may be too.
 *
 * <p>What stays with each model: which failures to retry and how long to wait (its {@link RetryPolicy}), how
 * its SDK's errors read as {@link dev.cadre.model.ModelException}s, and how an abort reaches its SDK's HTTP
 * call.
 */
package dev.cadre.model.support;
