/**
 * OpenTelemetry traces of Cadre runs ({@code CadreTracing}): a span per run, model request, tool call and
 * delegation, named and attributed after OpenTelemetry's GenAI semantic conventions. Built on the OpenTelemetry
 * API only; the application brings the SDK and exporters. {@code dev.cadre.opentelemetry.internal} is not
 * exported.
 *
 * <p>OpenTelemetry's API jars are automatic modules with declared names ({@code Automatic-Module-Name}).
 */
@SuppressWarnings({"requires-automatic", "module"})
module dev.cadre.opentelemetry {
    requires transitive dev.cadre.core;
    requires transitive io.opentelemetry.api;
    requires transitive io.opentelemetry.context;

    exports dev.cadre.opentelemetry;
}
