/**
 * OpenAI models for Cadre ({@code OpenAIResponses}, {@code OpenAIChat}) on the official OpenAI Java SDK.
 * {@code dev.cadre.openai.internal} (request mapping, retries, abort wiring) is not exported.
 *
 * <p>The SDK's jars carry neither a module descriptor nor an {@code Automatic-Module-Name}, so they are
 * automatic modules named after their file names ({@code openai-java-core-<version>.jar} is
 * {@code openai.java.core}). Those names are the only ones the SDK has; they hold as long as the jars keep
 * their Maven file names, and must change here if the SDK ever declares names of its own (see README).
 */
@SuppressWarnings({"requires-automatic", "module"})
module dev.cadre.openai {
    requires transitive dev.cadre.core;
    requires openai.java.core;
    requires openai.java.client.okhttp;
    // OkHttp declares its name (Automatic-Module-Name: okhttp3); the abort interceptor uses it.
    requires okhttp3;

    exports dev.cadre.openai;
}
