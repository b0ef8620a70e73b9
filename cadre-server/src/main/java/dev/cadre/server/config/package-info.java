/**
 * Serving a team without writing Java: {@link dev.cadre.server.config.CadreConfig} reads a YAML file
 * of models, agents, teams, the database and server settings, checks all of it with line-numbered
 * errors ({@link dev.cadre.server.config.ConfigException}), and builds a server from it.
 */
package dev.cadre.server.config;
