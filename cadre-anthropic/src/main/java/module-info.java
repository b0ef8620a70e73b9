/**
 * Anthropic's Claude models for Cadre ({@code AnthropicModel}) on the official Anthropic Java SDK.
 * {@code dev.cadre.anthropic.internal} (request mapping, retries, abort wiring) is not exported.
 *
 * <p>The SDK's jars are named modules ({@code com.anthropic.core}, {@code com.anthropic.client.okhttp}). They
 * use two libraries that they reach only through automatic modules, which cannot declare what they need in
 * turn: OpenTelemetry's context classes (behind {@code io.opentelemetry.api}) and Okio (behind {@code okhttp3}).
 * So this module requires {@code io.opentelemetry.context} and {@code okio} itself, which puts them on the
 * module path of every application that uses this one (see README).
 */
@SuppressWarnings({"requires-automatic", "module"})
module dev.cadre.anthropic {
    requires transitive dev.cadre.core;
    requires com.anthropic.core;
    requires com.anthropic.client.okhttp;
    requires io.opentelemetry.context;
    requires okio;

    exports dev.cadre.anthropic;
}
