/**
 * Cadre's AgentOS-compatible HTTP API ({@code CadreServer}) and its declarative configuration
 * ({@code dev.cadre.server.config}). {@code dev.cadre.server.internal} (routes, SSE, auth) is not exported.
 */
module dev.cadre.server {
    requires transitive dev.cadre.core;
    requires dev.cadre.openai;
    requires dev.cadre.gemini;
    requires dev.cadre.anthropic;
    requires dev.cadre.jdbc;
    requires dev.cadre.durable;
    requires dev.cadre.mcp;
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
