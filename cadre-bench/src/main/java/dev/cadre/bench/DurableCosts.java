package dev.cadre.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What durable runs cost besides time, for the durable benchmark: the fleet's CPU and its PostgreSQL backends' with
 * nothing to do, and the rows written per run — measured in the same run against local mode where it has one.
 */
final class DurableCosts {

    private DurableCosts() {
    }

    /**
     * What the fleet costs with nothing to do — each process polls the queue, looks for dead processes and beats
     * its heartbeat — as CPU per second of each process and of the PostgreSQL backends serving it, over a few
     * seconds of the whole fleet idle.
     */
    static List<Result> idle(String suite, Config c, List<DurableFleet.Node> nodes) throws Exception {
        List<Long> pids = nodes.stream().map(DurableFleet.Node::pid).toList();
        Map<Long, Long> pg = PgBackends.cpu(pids);
        long cpu = nodes.stream().mapToLong(DurableFleet.Node::cpuNanos).sum();
        long t0 = System.nanoTime();
        Thread.sleep(c.mode().equals("full") ? 5_000 : 2_000); // a measuring window, not a wait for anything
        double seconds = (System.nanoTime() - t0) / 1e9;
        double perProcess = nodes.size() * seconds * 1e6; // ns → ms per second per process
        double pgCpu = PgBackends.used(pg, PgBackends.cpu(pids)) / perProcess;
        double nodeCpu = (nodes.stream().mapToLong(DurableFleet.Node::cpuNanos).sum() - cpu) / perProcess;
        DurableFleet.Settings st = DurableSuite.SETTINGS;
        String settings = "queue polled every " + st.queuePolling().toMillis() + " ms, dead processes looked for"
                + " every " + st.recoveryInterval().toMillis() + " ms, heartbeat every " + st.heartbeat().toMillis()
                + " ms";
        return List.of(
                Result.of(suite, "durable: idle process, its CPU", nodeCpu, Double.NaN, "–", "ms/s", nodes.size(),
                        nodes.size() + " processes idle for " + Math.round(seconds) + " s; " + settings),
                Result.of(suite, "durable: idle process, PostgreSQL CPU for it", pgCpu, Double.NaN, "–", "ms/s",
                        nodes.size(), "the server backends of its connections"));
    }

    /**
     * Rows written per run (inserted, updated, deleted) in the store's tables and DBOS's, from PostgreSQL's table
     * statistics, over every run of the schema — all benchmarks' — without what does not come from runs
     * (heartbeats, migrations, the floor's table, recovery claims).
     */
    static Result rowsWritten(String suite, DurableFleet fleet, String localSchema) throws Exception {
        double local = rowWrites(localSchema) / (double) runs(localSchema);
        long store = rowWrites(fleet.schema);
        long dbos = rowWrites(fleet.dbosSchema);
        double runs = runs(fleet.schema);
        return Result.of(suite, "durable: rows written per run, store + DBOS", (store + dbos) / runs, local,
                "local mode (the store)", "rows/run", (long) runs, String.format(Locale.ROOT, "store %.1f + DBOS %.1f;"
                        + " every run of the benchmark, heartbeats left out", store / runs, dbos / runs));
    }

    private static long rowWrites(String schema) throws Exception {
        return DurableFleet.query("SELECT 'rows', coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)"
                + " FROM pg_stat_user_tables WHERE schemaname = '" + schema + "' AND relname NOT IN ('bench_floor',"
                + " 'cadre_instances', 'cadre_sessions_schema_history', 'dbos_migrations', 'application_versions',"
                + " 'queues', 'cadre_recoveries')").get("rows");
    }

    private static long runs(String schema) throws Exception {
        return DurableFleet.query("SELECT 'runs', count(*) FROM " + schema + ".cadre_runs").get("runs");
    }
}
