/** Flyway's log adapter, exported to Flyway alone (which instantiates it by name); not public API. */
package dev.cadre.jdbc.internal.flyway;
