/**
 * Cadre's HTTP server: the AgentOS API for agents and teams ({@link dev.cadre.server.CadreServer}).
 * Declarative configuration is in {@link dev.cadre.server.config}; everything under {@code internal}
 * may change without notice.
 */
package dev.cadre.server;
