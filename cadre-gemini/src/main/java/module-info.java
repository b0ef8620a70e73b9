/**
 * Gemini models for Cadre ({@code GeminiModel}) on the official Google Gen AI Java SDK.
 * {@code dev.cadre.gemini.internal} (request mapping, retries, abort wiring) is not exported.
 *
 * <p>The SDK declares its module name ({@code Automatic-Module-Name: com.google.genai}), as OkHttp does
 * ({@code okhttp3}); both are automatic modules.
 */
@SuppressWarnings({"requires-automatic", "module"})
module dev.cadre.gemini {
    requires transitive dev.cadre.core;
    requires com.google.genai;
    // The SDK runs on OkHttp; Cadre gives it a client with an interceptor that lets an abort cancel the call.
    requires okhttp3;

    exports dev.cadre.gemini;
}
