/**
 * Spring Boot auto-configuration for Cadre: {@link dev.cadre.spring.boot.CadreAutoConfiguration} (store, models, run
 * manager, the agents and teams of a {@code cadre.yaml}, the AgentOS HTTP API) and
 * {@link dev.cadre.spring.boot.CadreHealthAutoConfiguration} (Actuator health), set up by {@code cadre.*} properties
 * ({@link dev.cadre.spring.boot.CadreProperties}).
 */
package dev.cadre.spring.boot;
