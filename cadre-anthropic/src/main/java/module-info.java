/**
 * Anthropic's Claude models for Cadre ({@code AnthropicModel}) on the official Anthropic Java SDK.
 * {@code dev.cadre.anthropic.internal} (request mapping, retries, abort wiring) is not exported.
 *
 * <p>The SDK's jars are named modules ({@code com.anthropic.core}, {@code com.anthropic.client.okhttp}).
 */
module dev.cadre.anthropic {
    requires transitive dev.cadre.core;
    requires com.anthropic.core;
    requires com.anthropic.client.okhttp;

    exports dev.cadre.anthropic;
}
