/**
 * Durable stores for Cadre's sessions and runs: {@link dev.cadre.jdbc.SqliteDb} (one file, the
 * embedded default) and {@link dev.cadre.jdbc.PostgresDb}, both {@link dev.cadre.db.Db}s, and
 * {@link dev.cadre.jdbc.JdbcDbs} to open either from a configuration string.
 *
 * <p>Each run is a row of its own, so concurrent runs of one session never overwrite each other;
 * terminal statuses are written with a compare-and-set in the database; runs of a process that
 * stopped are ended as {@code ERROR} instead of staying {@code RUNNING}. See {@link dev.cadre.jdbc.JdbcDb}.
 */
package dev.cadre.jdbc;
