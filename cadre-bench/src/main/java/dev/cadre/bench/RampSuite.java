package dev.cadre.bench;

import dev.cadre.Agent;
import dev.cadre.RunManager;
import dev.cadre.Team;
import dev.cadre.model.Model;
import dev.cadre.openai.OpenAIChat;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.testkit.FakeOpenAIServer;
import dev.cadre.testkit.Reply;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * 10. A ramp of runs in flight: background team runs are added step by step ({@link #steps}), each waiting on a
 * model request that the fake server (a JVM of its own, as in benchmark 5) answers one token every 10 s. At each
 * step, with every run waiting on its model:
 *
 * <ul>
 *   <li>the process's RSS as it runs (no collection forced) and after full collections, per run in flight — this
 *       benchmark's JVM starts with a small heap ({@code -Xms64m}) that grows and shrinks, so its RSS is what the
 *       runs use rather than a heap reserved up front;
 *   <li>a probe: a single-agent run against a second, zero-delay fake server in this JVM, timed whole — how a
 *       new run fares while the others wait. Its floor is the same probe with nothing in flight;
 *   <li>open files (one socket per in-flight run) and threads.
 * </ul>
 *
 * <p>Then every run is cancelled, and once all are stored {@code CANCELLED} and no engine thread is left, the RSS
 * and open files after draining are compared with those before the ramp. A step above the open-files limit (less a
 * margin) is not tried, and says so.
 */
final class RampSuite implements Suite {

    private static final int PROBES = 50;
    private static final int FD_MARGIN = 1_000;

    @Override
    public String name() {
        return "ramp";
    }

    @Override
    public String title() {
        return "10. A ramp of background runs in flight: probe latency, RSS and open files at each step";
    }

    @Override
    public List<String> jvmFlags() {
        return List.of("-Xms64m", "-Xmx" + Bench.HEAP);
    }

    static List<Integer> steps(Config c) {
        return switch (c.mode()) {
            case "full" -> List.of(1_000, 5_000, 10_000, 25_000, 50_000);
            case "smoke" -> List.of(20, 50);
            default -> List.of(1_000, 2_500, 5_000);
        };
    }

    @Override
    public List<Result> run(Config c) throws Exception {
        String limit = Machine.describe().get("open files limit");
        long fdLimit = limit.matches("[0-9]+") ? Long.parseLong(limit) : Long.MAX_VALUE;
        List<Result> out = new ArrayList<>();
        try (Databases.Database db = Databases.sqlite(); FakeServerProcess slow = FakeServerProcess.start();
                FakeOpenAIServer fast = FakeOpenAIServer.start()) {
            Bench.ENV.put(db.name(), db.version());
            fast.dispatcher(r -> Reply.text("pong"));
            TimedDb store = new TimedDb(db.db());
            List<Integer> steps = steps(c);
            int most = steps.getLast();
            CountDownLatch ended = new CountDownLatch(1);
            java.util.concurrent.atomic.AtomicInteger endedCount = new java.util.concurrent.atomic.AtomicInteger();
            Model slowModel = OpenAIChat.builder().id("gpt-4o-mini").apiKey("sk-test").baseUrl(slow.baseUrl()).build();
            Model fastModel = OpenAIChat.builder().id("gpt-4o-mini").apiKey("sk-test").baseUrl(fast.baseUrl()).build();
            RunManager rm = RunManager.builder().maxBackgroundRuns(most).build();
            Team team = Team.builder().name("Research Team").model(slowModel)
                    .members(Agent.builder().name("Researcher").role("Research topics.").build())
                    .db(store).runManager(rm).build();
            Agent probe = Agent.builder().name("Probe").model(fastModel).db(store).build();
            for (int i = 0; i < 1_000; i++) { // the probe's floor is a warm one
                OverheadSuite.check(probe.run("warm-up"));
            }
            Samples idleProbe = probes(probe);
            long heapBefore = Machine.settledHeapBytes();
            long rssBefore = Machine.rssBytes();
            long fdsBefore = Machine.openFiles();
            List<String> runIds = new ArrayList<>(most);
            int[] target = {0};
            java.util.Set<String> ramped = java.util.concurrent.ConcurrentHashMap.newKeySet();
            store.onTopLevelFinish(r -> {
                if (ramped.contains(r.runId()) && endedCount.incrementAndGet() == target[0]) {
                    ended.countDown();
                }
            });
            for (int step : steps) {
                if (step > fdLimit - FD_MARGIN) {
                    out.add(Result.of(name(), step + " in flight: not tried", step, fdLimit - FD_MARGIN,
                            "open files limit less " + FD_MARGIN, "runs", 0, "one socket per run in flight"));
                    continue;
                }
                while (runIds.size() < step) {
                    String id = team.runInBackground("Task " + runIds.size()).runId();
                    runIds.add(id);
                    ramped.add(id);
                }
                slow.expectOk("await-requests " + step); // every run is now waiting on its model
                long rssRunning = Machine.rssBytes();
                Samples p = probes(probe);
                long heap = Machine.settledHeapBytes();
                long rssSettled = Machine.rssBytes();
                String at = step + " in flight: ";
                out.add(Result.of(name(), at + "probe run, p50", p.p50Micros(), idleProbe.p50Micros(),
                        "same probe, nothing in flight, p50", "µs", p.size(), "a single-agent run, zero-delay model"));
                out.add(Result.of(name(), at + "probe run, p99", p.p99Micros(), idleProbe.p99Micros(),
                        "same probe, nothing in flight, p99", "µs", p.size(), ""));
                out.add(Result.of(name(), at + "added RSS per run, as it runs", (rssRunning - rssBefore) / 1024.0
                        / step, Double.NaN, "–", "KiB/run", step, "no collection forced"));
                out.add(Result.of(name(), at + "added RSS per run, after full GC", (rssSettled - rssBefore) / 1024.0
                        / step, Double.NaN, "–", "KiB/run", step, "heap " + Report.num((heap - heapBefore) / 1024.0
                        / step) + " KiB/run of it"));
                out.add(Result.of(name(), at + "open files", Machine.openFiles(), fdsBefore, "before the ramp",
                        "fds", step, threads() + " threads"));
            }
            target[0] = runIds.size();
            if (runIds.isEmpty()) {
                return out;
            }
            long c0 = System.nanoTime();
            for (String id : runIds) {
                team.cancelRun(id);
            }
            if (!ended.await(5, TimeUnit.MINUTES)) {
                throw new AssertionError((runIds.size() - endedCount.get()) + " runs did not end after cancel");
            }
            double cancelMillis = (System.nanoTime() - c0) / 1e6;
            long notCancelled = runIds.stream().map(id -> store.getRun(id).map(RunResult::status).orElse(null))
                    .filter(s -> s != RunStatus.CANCELLED).count();
            if (notCancelled > 0) {
                throw new AssertionError(notCancelled + " of " + runIds.size() + " runs did not end CANCELLED");
            }
            slow.expectOk("await-closed");
            if (!rm.awaitNoLiveThreads(Duration.ofSeconds(60))) {
                throw new AssertionError(rm.liveThreads() + " engine threads left after all runs ended");
            }
            Machine.settledHeapBytes();
            out.add(Result.of(name(), "after draining " + runIds.size() + ": RSS", Machine.rssBytes() / 1048576.0,
                    rssBefore / 1048576.0, "RSS before the ramp", "MiB", runIds.size(), "after full GC; all cancelled"
                            + " and stored CANCELLED in " + Report.num(cancelMillis) + " ms"));
            out.add(Result.of(name(), "after draining " + runIds.size() + ": open files", Machine.openFiles(),
                    fdsBefore, "open files before the ramp", "fds", runIds.size(), "sockets closed with their runs"));
            rm.shutdown(Duration.ofSeconds(5));
        }
        return out;
    }

    /** {@value #PROBES} probe runs, one after another, each timed whole. */
    private static Samples probes(Agent probe) {
        Samples s = new Samples(PROBES);
        for (int i = 0; i < PROBES; i++) {
            long t = System.nanoTime();
            OverheadSuite.check(probe.run("ping " + i));
            s.add(System.nanoTime() - t);
        }
        return s;
    }

    private static long threads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }
}
