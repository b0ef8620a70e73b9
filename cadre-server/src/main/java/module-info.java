/**
 * Cadre's AgentOS-compatible HTTP API ({@code CadreServer}) and its declarative configuration
 * ({@code dev.cadre.server.config}). {@code dev.cadre.server.internal} (routes, SSE, auth) is not exported.
 *
 * <p>Micrometer's Prometheus registry is an automatic module with a declared name; the server's builder takes a
 * {@code PrometheusMeterRegistry}, hence the transitive requires.
 * {@code java.management} is required for the JVM meters {@code cadre serve} registers (Micrometer's binders
 * read it, and an automatic module cannot ask for it to be resolved).
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.cadre.server {
    requires transitive dev.cadre.core;
    requires dev.cadre.openai;
    requires dev.cadre.gemini;
    requires dev.cadre.anthropic;
    requires dev.cadre.jdbc;
    requires dev.cadre.durable;
    requires dev.cadre.mcp;
    requires dev.cadre.micrometer;
    requires transitive micrometer.registry.prometheus;
    requires java.management;
    requires io.javalin;
    requires com.fasterxml.jackson.dataformat.yaml;
    requires com.nimbusds.jose.jwt;
    requires org.slf4j;

    exports dev.cadre.server;
    exports dev.cadre.server.config;

    opens dev.cadre.server.internal to com.fasterxml.jackson.databind;
    opens dev.cadre.server.internal.auth to com.fasterxml.jackson.databind;
    opens dev.cadre.server.config to com.fasterxml.jackson.databind;
}
