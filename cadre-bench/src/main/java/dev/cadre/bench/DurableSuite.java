package dev.cadre.bench;

import dev.cadre.testkit.FakeOpenAIServer;
import dev.cadre.testkit.RecordedRequest;
import dev.cadre.testkit.Reply;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * 8. Durable runs ({@code cadre-durable}: PostgreSQL, DBOS Transact) with real processes: {@link DurableBenchNode}s
 * started with this JVM's java and class path, their model the fake server in this JVM, each figure next to its
 * floor measured in the same run, and the local-mode figure (one process, no {@code DurableRuns}) beside it:
 *
 * <ol>
 *   <li>accept: {@code DurableRuns.submit} until it returns PENDING, idle and under load, against one commit of a
 *       one-row INSERT on the same server, and {@code runInBackground} of a local-mode process beside it;
 *   <li>completed runs per second with 1, 2 and 3 processes sharing the database, all runs submitted to one of
 *       them, the fake answering at once — counted COMPLETED in the runs table — against local mode;
 *   <li>a cancel from this process of a run executing on another ({@link DurableCrossProcess});
 *   <li>recovery after {@code kill -9} of a process executing runs ({@link DurableCrossProcess}).
 * </ol>
 *
 * <p>Each bench run works in fresh schemas (the store's, DBOS's, the local node's), dropped at the end with every
 * process killed, whatever happened.
 */
final class DurableSuite implements Suite {

    /**
     * The nodes' timings: worker concurrency 100; DBOS's default queue polling (250 ms); a process counts as dead
     * 5 s after its last heartbeat (every 500 ms), and every process looks for dead ones every 500 ms — short, so
     * that the recovery benchmark takes seconds, long enough that a node on 2 busy cores is never taken for dead.
     */
    static final DurableFleet.Settings SETTINGS = new DurableFleet.Settings(100, Duration.ofSeconds(5),
            Duration.ofMillis(500), Duration.ofMillis(500), Duration.ofMillis(250));

    @Override
    public String name() {
        return "durable";
    }

    @Override
    public String title() {
        return "8. Durable runs (PostgreSQL, DBOS): accept, throughput, cross-process cancel, recovery";
    }

    @Override
    public List<Result> run(Config c) throws Exception {
        if (!c.postgres() || !Databases.postgresReachable()) {
            Bench.ENV.put("durable", "PostgreSQL not reachable at " + Databases.postgresUrl() + ": skipped");
            return List.of();
        }
        Bench.ENV.put("PostgreSQL", Databases.postgresVersion());
        Bench.ENV.put("durable: node settings", String.format(Locale.ROOT, "worker concurrency %d, queue polling %d ms,"
                + " staleAfter %d ms, heartbeat %d ms, recovery interval %d ms; each node a JVM of its own "
                + "(%s), the fake server in the bench JVM", SETTINGS.workerConcurrency(),
                SETTINGS.queuePolling().toMillis(), SETTINGS.staleAfter().toMillis(), SETTINGS.heartbeat().toMillis(),
                SETTINGS.recoveryInterval().toMillis(), String.join(" ", nodeJvm(c))));
        Set<String> stalledOnce = ConcurrentHashMap.newKeySet();
        try (FakeOpenAIServer fake = FakeOpenAIServer.start();
                DurableFleet fleet = new DurableFleet(fake.baseUrl(), SETTINGS, nodeJvm(c))) {
            // Runs to cancel never get an answer; runs to recover get none the first time they ask (their process is
            // killed meanwhile) and one at once when resumed; all others are answered at once.
            fake.dispatcher(r -> {
                String input = r.lastUserMessage().orElse("");
                if (input.startsWith(DurableCrossProcess.CANCEL)
                        || input.startsWith(DurableCrossProcess.RECOVER) && stalledOnce.add(input)) {
                    return Reply.stall();
                }
                return Reply.text("Done.");
            });
            String loadBefore = loadAverage();
            List<Result> out = measure(c, fake, fleet);
            // Its processes share the cores with whatever else runs: the report says how busy they were.
            Bench.ENV.put("durable: load average (1, 5, 15 min)", "at its start " + loadBefore + ", at its end "
                    + loadAverage());
            return out;
        }
    }

    private static String loadAverage() {
        try {
            String[] f = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (java.io.IOException | RuntimeException e) {
            return "?";
        }
    }

    /**
     * The nodes' JVM options. Measuring: the same JIT and collector as the bench's own JVMs, and a heap well above
     * what a node holds, fixed so that growing it does not move the figures. The smoke test only checks that the
     * suite runs: the quick JIT compiler and the serial collector leave the cores to the rest of the build, as the
     * fleet tests of cadre-durable do.
     */
    static List<String> nodeJvm(Config c) {
        return c.mode().equals("smoke") ? List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
                : List.of("-Xms1g", "-Xmx1g");
    }

    private List<Result> measure(Config c, FakeOpenAIServer fake, DurableFleet fleet) throws Exception {
        int processes = c.durableProcesses();
        Progress progress = new Progress();
        // Every process starts at once (JVM, store, migrations); each joins the fleet only when its stage comes.
        String localSchema = fleet.localSchema();
        DurableFleet.Node local = fleet.local(localSchema, "bench-local");
        List<DurableFleet.Node> nodes = new ArrayList<>();
        for (int i = 0; i < processes; i++) {
            nodes.add(fleet.durable("node-" + (char) ('a' + i)));
        }
        DurableFleet.await(local);
        DurableFleet.await(nodes.toArray(DurableFleet.Node[]::new));
        DurableFleet.Node first = nodes.get(0);
        progress.done("processes started");
        // Before anything is timed every process executes runs (the JIT, the pools, DBOS); then all but the first
        // leave the fleet, as a deploy drains one, to join again one by one for 2 and 3 processes.
        int warm = warmRuns(c);
        DurableFleet.joinAll(nodes);
        first.ask("submit " + warm * processes + " Start-fleet");
        local.ask("submit " + warm * processes + " Start-local");
        awaitEnded(fleet.schema);
        awaitEnded(localSchema);
        for (DurableFleet.Node n : nodes.subList(1, processes)) {
            n.ask("leave");
        }
        progress.done("warm-up");

        long[] floor = first.numbers("floor " + c.commitSamples());
        Samples commit = DurableFleet.samples(floor, 0, floor.length);
        int accepts = c.durableAcceptSamples();
        local.numbers("accept " + Math.max(5, accepts / 5) + " Warm-idle-local");
        long[] localTimes = local.numbers("accept " + accepts + " Idle-local");
        first.numbers("accept " + Math.max(5, accepts / 5) + " Warm-idle-durable");
        long[] durableTimes = first.numbers("accept " + accepts + " Idle-durable");
        Samples localIdle = DurableFleet.samples(localTimes, 0, accepts);
        Samples durableIdle = DurableFleet.samples(durableTimes, 0, accepts);
        Samples localEnd = DurableFleet.samples(localTimes, accepts, 2 * accepts);
        Samples durableEnd = DurableFleet.samples(durableTimes, accepts, 2 * accepts);

        progress.done("floor and idle accepts");
        Load localLoad = load(c, fake, List.of(local), localSchema, "local");
        local.kill(); // idle from now on; its CPU is the fleet's
        List<Load> durable = new ArrayList<>();
        for (int k = 1; k <= processes; k++) {
            if (k > 1) {
                nodes.get(k - 1).join();
            }
            durable.add(load(c, fake, nodes.subList(0, k), fleet.schema, "p" + k));
        }
        progress.done("throughput");
        String p1 = fleet.schema + ".cadre_runs r WHERE r.input->>'input_content' LIKE 'Load-p1 %'";
        long steps = DurableFleet.query("SELECT 'steps', count(*) FROM \"" + fleet.dbosSchema
                + "\".operation_outputs o, " + p1 + " AND o.workflow_uuid = 'cadre-run:' || r.run_id").get("steps");
        Bench.ENV.put("durable: DBOS step records per run", String.format(Locale.ROOT, "%.2f (operation_outputs rows "
                + "of the 1-process runs ÷ runs)", steps / (double) c.durableRuns()));

        List<Result> idle = DurableCosts.idle(name(), c, nodes);

        DurableCrossProcess cross = new DurableCrossProcess(c, fake, fleet);
        List<Result> out = new ArrayList<>();
        out.addAll(acceptResults(commit, durableIdle, localIdle, durable.get(0).accept(), localLoad.accept()));
        out.add(Result.of(name(), "durable: idle run, submit → read COMPLETED, p50", durableEnd.p50Millis(),
                localEnd.p50Millis(), "local mode, p50", "ms", accepts, "submitted at a random moment of the queue's"
                        + " polling (every " + SETTINGS.queuePolling().toMillis() + " ms); read every 2 ms"));
        out.add(Result.of(name(), "durable: idle run, submit → read COMPLETED, p99", durableEnd.p99Millis(),
                localEnd.p99Millis(), "local mode, p99", "ms", accepts, ""));
        out.addAll(throughputResults(durable, localLoad));
        out.addAll(idle);
        out.addAll(cross.cancels(name(), nodes.get(processes > 1 ? 1 : 0)));
        progress.done("cancels");
        out.addAll(cross.recoveries(name(), nodes, Math.min(c.durableKills(), processes - 1)));
        progress.done("recoveries");
        // PostgreSQL's table statistics, complete once the backends that wrote have ended (they report at exit).
        List<Long> backends = List.copyOf(PgBackends.cpu(nodes.stream().map(DurableFleet.Node::pid).toList())
                .keySet());
        for (DurableFleet.Node n : nodes) {
            n.kill();
        }
        PgBackends.awaitGone(backends, DurableFleet.ANSWER);
        out.add(DurableCosts.rowsWritten(name(), fleet, localSchema));
        return out;
    }

    /** Prints how long each part took, as the other suites print theirs. */
    private static final class Progress {
        private long since = System.nanoTime();

        void done(String what) {
            long now = System.nanoTime();
            System.out.printf(Locale.ROOT, "   durable: %s in %.1f s%n", what, (now - since) / 1e9);
            since = now;
        }
    }

    /**
     * What one throughput stage measured; CPU per run in µs: the fleet's processes together, this process's (the
     * fake server, mostly), and PostgreSQL's backends serving the fleet.
     */
    record Load(int processes, double runsPerSecond, Samples accept, Map<String, Long> byProcess, double nodeCpu,
            double benchCpu, double pgCpu) {
    }

    /**
     * Submits a warm-up batch and then the timed one to the first of {@code fleet}, each back to back, and waits
     * until the runs table has every one COMPLETED. Runs per second: from the first submit to the last run's final
     * write ({@code updated_at}), both epoch milliseconds of this machine's clock.
     */
    private Load load(Config c, FakeOpenAIServer fake, List<DurableFleet.Node> fleet, String schema, String label)
            throws Exception {
        int n = c.durableRuns();
        DurableFleet.Node submitter = fleet.get(0);
        String warm = "Warm-" + label;
        submitter.ask("submit " + warmRuns(c) + " " + warm);
        awaitEnded(schema);
        String timed = "Load-" + label;
        List<Long> pids = fleet.stream().map(DurableFleet.Node::pid).toList();
        Map<Long, Long> pgCpu = PgBackends.cpu(pids);
        long nodeCpu = fleet.stream().mapToLong(DurableFleet.Node::cpuNanos).sum();
        long benchCpu = benchCpuNanos();
        long[] answer = submitter.numbers("submit " + n + " " + timed);
        long firstAt = answer[0];
        Samples accept = DurableFleet.samples(answer, 1, answer.length);
        awaitEnded(schema);
        double nodeCpuPerRun = (fleet.stream().mapToLong(DurableFleet.Node::cpuNanos).sum() - nodeCpu) / 1e3 / n;
        double benchCpuPerRun = (benchCpuNanos() - benchCpu) / 1e3 / n;
        double pgCpuPerRun = PgBackends.used(pgCpu, PgBackends.cpu(pids)) / 1e3 / n;
        String runs = schema + ".cadre_runs WHERE parent_run_id IS NULL AND input->>'input_content' LIKE '" + timed
                + " %'";
        Map<String, Long> byStatus = DurableFleet.query("SELECT status, count(*) FROM " + runs + " GROUP BY status");
        if (byStatus.getOrDefault("COMPLETED", 0L) != n || byStatus.size() != 1) {
            throw new AssertionError(label + ": expected " + n + " runs COMPLETED, found " + byStatus);
        }
        long asked = fake.requests().stream().filter(r -> r.lastUserMessage().orElse("").startsWith(timed + " "))
                .map(RecordedRequest::lastUserMessage).distinct().count();
        long requests = fake.requests().stream().filter(r -> r.lastUserMessage().orElse("").startsWith(timed + " "))
                .count();
        if (asked != n || requests != n) {
            throw new AssertionError(label + ": each run must ask the model once; " + requests + " requests for "
                    + asked + " runs of " + n);
        }
        long lastAt = DurableFleet.query("SELECT 'last', max(updated_at) FROM " + runs).get("last");
        Map<String, Long> byProcess = DurableFleet.query("SELECT owner_instance, count(*) FROM " + runs
                + " GROUP BY owner_instance ORDER BY owner_instance");
        return new Load(fleet.size(), n / ((lastAt - firstAt) / 1000.0), accept, byProcess, nodeCpuPerRun,
                benchCpuPerRun, pgCpuPerRun);
    }

    /** A fifth of the timed runs, at least 30 (or all of them, when fewer are timed). */
    private static int warmRuns(Config c) {
        return Math.max(c.durableRuns() / 5, Math.min(30, c.durableRuns()));
    }

    private static long benchCpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    /**
     * Waits until no top-level run of {@code schema} is PENDING or RUNNING (the runs end in other processes: only
     * the db tells), reading the status index every 100 ms (the figures come from the rows' own times).
     */
    static void awaitEnded(String schema) throws Exception {
        long deadline = System.nanoTime() + DurableFleet.ANSWER.toNanos();
        try (Connection c = DriverManager.getConnection(Databases.postgresUrl());
                PreparedStatement left = c.prepareStatement("SELECT count(*) FROM " + schema
                        + ".cadre_runs WHERE status IN ('PENDING', 'RUNNING')")) {
            while (true) {
                long n;
                try (ResultSet rs = left.executeQuery()) {
                    rs.next();
                    n = rs.getLong(1);
                }
                if (n == 0) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(n + " runs left unfinished in " + schema);
                }
                Thread.sleep(100);
            }
        }
    }

    private List<Result> acceptResults(Samples commit, Samples durableIdle, Samples localIdle, Samples durableLoaded,
            Samples localLoaded) {
        String floor = "one PostgreSQL commit (1-row INSERT, JDBC)";
        String n = name();
        return List.of(
                Result.of(n, "durable: submit → PENDING, idle, p50", durableIdle.p50Micros(), commit.p50Micros(),
                        floor + ", p50", "µs", durableIdle.size(), "one at a time, each awaited COMPLETED; 1 process"),
                Result.of(n, "durable: submit → PENDING, idle, p99", durableIdle.p99Micros(), commit.p99Micros(),
                        floor + ", p99", "µs", durableIdle.size(), ""),
                Result.of(n, "local: runInBackground → PENDING, idle, p50", localIdle.p50Micros(), commit.p50Micros(),
                        floor + ", p50", "µs", localIdle.size(), "the same, a local-mode process (no DurableRuns)"),
                Result.of(n, "local: runInBackground → PENDING, idle, p99", localIdle.p99Micros(), commit.p99Micros(),
                        floor + ", p99", "µs", localIdle.size(), ""),
                Result.of(n, "durable vs local: accept, idle, p50", durableIdle.p50Micros(), localIdle.p50Micros(),
                        "local mode, p50", "µs", durableIdle.size(), "what durability adds to an accept"),
                Result.of(n, "durable: submit → PENDING, loaded, p50", durableLoaded.p50Micros(), commit.p50Micros(),
                        floor + ", p50", "µs", durableLoaded.size(), "back to back, 1 process executing them"),
                Result.of(n, "durable: submit → PENDING, loaded, p99", durableLoaded.p99Micros(), commit.p99Micros(),
                        floor + ", p99", "µs", durableLoaded.size(), ""),
                Result.of(n, "local: runInBackground → PENDING, loaded, p50", localLoaded.p50Micros(),
                        commit.p50Micros(), floor + ", p50", "µs", localLoaded.size(), "back to back"),
                Result.of(n, "local: runInBackground → PENDING, loaded, p99", localLoaded.p99Micros(),
                        commit.p99Micros(), floor + ", p99", "µs", localLoaded.size(), ""));
    }

    private List<Result> throughputResults(List<Load> durable, Load local) {
        List<Result> out = new ArrayList<>();
        String n = name();
        out.add(Result.of(n, "local: completed background runs, 1 process", local.runsPerSecond(), Double.NaN, "–",
                "runs/s", local.accept().size(), "first submit → last COMPLETED written; at most "
                        + SETTINGS.workerConcurrency() + " at once"));
        for (Load d : durable) {
            Bench.ENV.put("durable: runs per process, " + d.processes() + " process(es)", d.byProcess().toString());
            out.add(Result.of(n, "durable: completed background runs, " + d.processes() + " process(es)",
                    d.runsPerSecond(), local.runsPerSecond(), "local mode, 1 process", "runs/s", d.accept().size(),
                    "all submitted to one; executed: " + d.byProcess().values()));
        }
        String fake = "the bench JVM (fake server) besides: ";
        out.add(Result.of(n, "local: CPU per completed run, the process", local.nodeCpu(), Double.NaN, "–", "µs/run",
                local.accept().size(), fake + Report.num(local.benchCpu()) + " µs/run"));
        out.add(Result.of(n, "local: PostgreSQL CPU per completed run", local.pgCpu(), Double.NaN, "–", "µs/run",
                local.accept().size(), "the server backends of the process's connections"));
        for (Load d : durable) {
            out.add(Result.of(n, "durable: CPU per completed run, " + d.processes() + " process(es) together",
                    d.nodeCpu(), local.nodeCpu(), "local mode, the process", "µs/run", d.accept().size(),
                    fake + Report.num(d.benchCpu()) + " µs/run"));
            out.add(Result.of(n, "durable: PostgreSQL CPU per completed run, " + d.processes() + " process(es)",
                    d.pgCpu(), local.pgCpu(), "local mode", "µs/run", d.accept().size(),
                    "the server backends of the processes' connections"));
        }
        return out;
    }
}
