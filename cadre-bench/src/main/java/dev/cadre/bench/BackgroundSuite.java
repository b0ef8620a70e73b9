package dev.cadre.bench;

import dev.cadre.Agent;
import dev.cadre.RunManager;
import dev.cadre.Team;
import dev.cadre.model.Model;
import dev.cadre.openai.OpenAIChat;
import dev.cadre.run.RunStatus;
import dev.cadre.run.TeamRunOutput;
import dev.cadre.testkit.FakeOpenAIServer;
import dev.cadre.testkit.Reply;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * 4. Background runs: how long {@code runInBackground} takes to return PENDING (the run and its
 * session are written first), and how many background runs complete per second when many are
 * submitted at once, the fake server answering at once (the leader answers without delegating: one
 * model request, one team run row). The floors are the same database's: one commit, and commits
 * per second of a ~2 KB row (SQLite: one connection, as its single writer; PostgreSQL: as many
 * connections as the store's pool).
 */
final class BackgroundSuite implements Suite {

    private static final int PG_POOL = 10; // PostgresDb's default pool size

    @Override
    public String name() {
        return "background";
    }

    @Override
    public String title() {
        return "4. Background runs: accept latency and throughput";
    }

    @Override
    public List<Result> run(Config c) throws Exception {
        return Databases.onEach(c, db -> measure(c, db, db instanceof Databases.Postgres ? PG_POOL : 1));
    }

    private List<Result> measure(Config c, Databases.Database db, int floorThreads) throws Exception {
        Bench.ENV.put(db.name(), db.version());
        TimedDb store = new TimedDb(db.db());
        int n = c.backgroundRuns();
        Samples accept = new Samples(n);
        Samples acceptIdle = new Samples(n);
        double runsPerSecond;
        double writesPerRun;
        double cpuPerRun;
        Samples startWrite;
        Samples finishWrite;
        try (FakeOpenAIServer server = FakeOpenAIServer.start(); RunManager rm = RunManager.builder().build()) {
            server.dispatcher(r -> Reply.text("Done."));
            Model model = OpenAIChat.builder().id("gpt-4o-mini").apiKey("sk-test").baseUrl(server.baseUrl()).build();
            Team team = Team.builder().name("Research Team").model(model)
                    .members(Agent.builder().name("Researcher").role("Research topics.").build())
                    .db(store).runManager(rm).build();
            submitAll(team, store, Math.max(10, n / 5), null); // warm-up
            // Idle: one at a time, each awaited before the next, so nothing else competes with the accept.
            store.resetTimes();
            for (int i = 0; i < Math.min(n, 500); i++) {
                long t = System.nanoTime();
                TeamRunOutput pending = team.runInBackground("Alone " + i);
                acceptIdle.add(System.nanoTime() - t);
                rm.awaitRun(pending.runId(), java.time.Duration.ofSeconds(30));
            }
            startWrite = store.startTimes();
            finishWrite = store.finishTimes();
            store.resetTimes(); // the loaded runs' writes are not the idle ones'
            long writesBefore = store.writes();
            long cpuBefore = processCpuNanos();
            long[] window = submitAll(team, store, n, accept);
            runsPerSecond = n / ((window[1] - window[0]) / 1e9);
            cpuPerRun = (processCpuNanos() - cpuBefore) / (double) n / 1e3;
            writesPerRun = (store.writes() - writesBefore) / (double) n;
        }
        Samples commit = db.commitLatency(c.commitSamples());
        double commitRate = db.commitRate(Math.max(c.commitSamples(), 2_000), floorThreads);
        String d = db.name();
        String floor = "one " + d + " commit (JDBC)";
        return List.of(
                Result.of(name(), d + ": runInBackground → PENDING, idle, p50", acceptIdle.p50Micros(),
                        commit.p50Micros(), floor + ", p50", "µs", acceptIdle.size(), "one at a time, each awaited"),
                Result.of(name(), d + ": runInBackground → PENDING, idle, p99", acceptIdle.p99Micros(),
                        commit.p99Micros(), floor + ", p99", "µs", acceptIdle.size(), ""),
                Result.of(name(), d + ": runInBackground → PENDING, loaded, p50", accept.p50Micros(),
                        commit.p50Micros(), floor + ", p50", "µs", accept.size(),
                        "all submitted back to back from one thread"),
                Result.of(name(), d + ": runInBackground → PENDING, loaded, p99", accept.p99Micros(),
                        commit.p99Micros(), floor + ", p99", "µs", accept.size(), "while earlier runs execute and write"),
                Result.of(name(), d + ": an accept's store write (startRun), idle, p50", startWrite.p50Micros(),
                        commit.p50Micros(), floor + ", p50", "µs", startWrite.size(),
                        "the session and the run, in one transaction"),
                Result.of(name(), d + ": a run's end's store write (finishRun), idle, p50", finishWrite.p50Micros(),
                        commit.p50Micros(), floor + ", p50", "µs", finishWrite.size(),
                        "its row, its session's touch and usage; a team run's and its member's"),
                Result.of(name(), d + ": completed background runs", runsPerSecond, commitRate,
                        d + " commits/s, " + floorThreads + " connection(s)", "runs/s", n,
                        "first submit → last COMPLETED committed"),
                Result.of(name(), d + ": CPU time per completed run", cpuPerRun, Double.NaN, "–", "µs/run", n,
                        "whole process (fake server included) ÷ runs; steadier than wall time on shared cores"),
                Result.of(name(), d + ": store writes per run", writesPerRun, Double.NaN, "–", "writes/run", n,
                        "session save + run insert/update/finish calls"));
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /**
     * Submits {@code n} background runs back to back and waits until all are COMPLETED in the store.
     *
     * @return the nanoTime of the first submit and of the last completion
     */
    private static long[] submitAll(Team team, TimedDb store, int n, Samples accept) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(n);
        AtomicLong lastDone = new AtomicLong();
        List<String> wrong = new java.util.concurrent.CopyOnWriteArrayList<>();
        store.onTopLevelFinish(run -> {
            if (run.status() != RunStatus.COMPLETED) {
                wrong.add(run.runId() + " ended " + run.status() + ": " + run.content());
            }
            lastDone.accumulateAndGet(System.nanoTime(), Math::max);
            done.countDown();
        });
        long first = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            TeamRunOutput pending = team.runInBackground("Task " + i);
            long dt = System.nanoTime() - t;
            if (pending.status() != RunStatus.PENDING) {
                throw new AssertionError("runInBackground returned " + pending.status());
            }
            if (accept != null) {
                accept.add(dt);
            }
        }
        if (!done.await(10, TimeUnit.MINUTES)) {
            throw new AssertionError(done.getCount() + " background runs did not complete");
        }
        if (!wrong.isEmpty()) {
            throw new AssertionError(wrong.size() + " runs did not complete: " + wrong.get(0));
        }
        return new long[] {first, lastDone.get()};
    }
}
