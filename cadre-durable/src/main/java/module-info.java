/**
 * Durable runs for Cadre on PostgreSQL, with DBOS Transact as the engine: {@code dev.cadre.durable.DurableRuns}.
 * {@code dev.cadre.durable.internal} (the workflows, the journal, recovery) is not exported.
 *
 * <p>DBOS's jar declares no module name, so it is the automatic module named after its file
 * ({@code transact-<version>.jar} is {@code transact}); see README.
 */
@SuppressWarnings({"requires-automatic", "module"})
module dev.cadre.durable {
    requires transitive dev.cadre.core;
    requires transitive dev.cadre.jdbc;
    requires transact;
    requires java.sql;
    requires com.zaxxer.hikari;
    requires org.postgresql.jdbc;
    requires org.slf4j;

    exports dev.cadre.durable;

    // DBOS calls the workflow methods reflectively.
    opens dev.cadre.durable.internal to transact;
}
