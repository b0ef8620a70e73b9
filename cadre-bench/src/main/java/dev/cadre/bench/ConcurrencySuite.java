package dev.cadre.bench;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.cadre.Agent;
import dev.cadre.RunManager;
import dev.cadre.Team;
import dev.cadre.model.Model;
import dev.cadre.openai.OpenAIChat;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.run.TeamRunOutput;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * 5. Concurrency: N background team runs in flight at once, each waiting on a model request that
 * the fake server answers one token every 10 s; then all are cancelled and every one must end
 * CANCELLED, with no engine thread left.
 *
 * <p>Heap per in-flight run = (heap after full GCs with N in flight − heap before) / N. The
 * baseline is N requests held open the same way with the OpenAI SDK alone, each on a virtual
 * thread — the least any Java program needs to hold N model calls open. The fake server runs in a
 * JVM of its own so that its connections cost neither this heap nor this process's file
 * descriptors (one connection per in-flight run here).
 */
final class ConcurrencySuite implements Suite {

    @Override
    public String name() {
        return "concurrency";
    }

    @Override
    public String title() {
        return "5. Background runs in flight at once, then all cancelled";
    }

    /** What holding N calls open cost. */
    private record Footprint(double heapPerRun, long threads, long openFiles, long rss) {
    }

    @Override
    public List<Result> run(Config c) throws Exception {
        int n = c.inFlightRuns();
        Bench.ENV.put("concurrency: open files limit", Machine.describe().get("open files limit")
                + " (one socket per in-flight run in the bench JVM; the fake server has its own JVM)");
        Footprint sdk = sdkBaseline(n);
        List<Result> out = new ArrayList<>();
        try (Databases.Database db = Databases.sqlite(); FakeServerProcess fake = FakeServerProcess.start()) {
            Bench.ENV.put(db.name(), db.version());
            TimedDb store = new TimedDb(db.db());
            CountDownLatch ended = new CountDownLatch(n);
            store.onTopLevelFinish(r -> ended.countDown());
            Model model = OpenAIChat.builder().id("gpt-4o-mini").apiKey("sk-test").baseUrl(fake.baseUrl()).build();
            RunManager rm = RunManager.builder().maxBackgroundRuns(n).build();
            Team team = Team.builder().name("Research Team").model(model)
                    .members(Agent.builder().name("Researcher").role("Research topics.").build())
                    .db(store).runManager(rm).build();
            long before = Machine.settledHeapBytes();
            long t0 = System.nanoTime();
            List<String> runIds = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                TeamRunOutput pending = team.runInBackground("Task " + i);
                runIds.add(pending.runId());
            }
            double submitSeconds = (System.nanoTime() - t0) / 1e9;
            fake.expectOk("await-requests " + n); // every run is now waiting on its model
            double allInFlightSeconds = (System.nanoTime() - t0) / 1e9;
            long heap = Machine.settledHeapBytes();
            Footprint cadre = new Footprint((heap - before) / (double) n, threadCount(), Machine.openFiles(),
                    Machine.rssBytes());
            int active = rm.activeRunIds().size();
            if (active != n) {
                throw new AssertionError("expected " + n + " active runs, found " + active);
            }
            // Cancel all, then check every one in the database.
            long c0 = System.nanoTime();
            for (String id : runIds) {
                team.cancelRun(id);
            }
            if (!ended.await(5, TimeUnit.MINUTES)) {
                throw new AssertionError(ended.getCount() + " runs did not end after cancel");
            }
            double cancelSeconds = (System.nanoTime() - c0) / 1e9;
            long notCancelled = runIds.stream().map(id -> store.getRun(id).map(RunResult::status).orElse(null))
                    .filter(s -> s != RunStatus.CANCELLED).count();
            if (notCancelled > 0) {
                throw new AssertionError(notCancelled + " of " + n + " runs did not end CANCELLED");
            }
            fake.expectOk("await-closed"); // and the fake saw every model request end
            if (!rm.awaitNoLiveThreads(Duration.ofSeconds(30))) {
                throw new AssertionError(rm.liveThreads() + " engine threads left after all runs ended");
            }
            rm.shutdown(Duration.ofSeconds(5));
            Bench.ENV.put("concurrency: Cadre timings", String.format(java.util.Locale.ROOT,
                    "%d runs submitted in %.1f s, all waiting on the model after %.1f s, all cancelled and stored"
                            + " CANCELLED %.1f s after the first cancel", n, submitSeconds, allInFlightSeconds,
                    cancelSeconds));
            out.add(Result.of(name(), "Background runs in flight at once", n, n, "SDK calls held open", "runs", n,
                    "every one ended CANCELLED (checked in " + db.name() + ")"));
            out.add(Result.of(name(), "Heap per in-flight run", cadre.heapPerRun() / 1024, sdk.heapPerRun() / 1024,
                    "OpenAI SDK call on a virtual thread", "KiB/run", n, "heap after full GC, minus before, ÷ N"));
            out.add(Result.of(name(), "RSS with all in flight", cadre.rss() / 1048576.0, sdk.rss() / 1048576.0,
                    "same, SDK calls", "MiB", n, "-Xms=-Xmx=" + Bench.HEAP + ", so mostly the reserved heap"));
            out.add(Result.of(name(), "Platform threads with all in flight", cadre.threads(), sdk.threads(),
                    "same, SDK calls", "threads", n, "runs and model calls are virtual threads"));
            out.add(Result.of(name(), "Open files with all in flight", cadre.openFiles(), sdk.openFiles(),
                    "same, SDK calls", "fds", n, "one socket per in-flight model request"));
            out.add(Result.of(name(), "Cancel all " + n + " → all stored CANCELLED", cancelSeconds * 1e3, Double.NaN,
                    "–", "ms", n, "cancelRun for each id from one thread, until the last commit"));
        }
        return out;
    }

    /** Holds {@code n} SDK calls open, each on its own virtual thread, and measures what that costs. */
    private static Footprint sdkBaseline(int n) throws Exception {
        try (FakeServerProcess fake = FakeServerProcess.start()) {
            OpenAIClient client = OpenAIOkHttpClient.builder().apiKey("sk-test").baseUrl(fake.baseUrl())
                    .maxRetries(0).build();
            ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("gpt-4o-mini")
                    .addSystemMessage("You are a member of a team.").addUserMessage("Task").build();
            long before = Machine.settledHeapBytes();
            List<Thread> threads = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                threads.add(Thread.ofVirtual().start(() -> {
                    try {
                        client.chat().completions().create(params);
                    } catch (RuntimeException expected) {
                        // the fake server is killed at the end: the call fails, the thread ends
                    }
                }));
            }
            fake.expectOk("await-requests " + n);
            long heap = Machine.settledHeapBytes();
            Footprint f = new Footprint((heap - before) / (double) n, threadCount(), Machine.openFiles(),
                    Machine.rssBytes());
            fake.kill(); // ends the held calls: they fail, and their threads end
            for (Thread t : threads) {
                t.join();
            }
            client.close();
            return f;
        }
    }

    private static long threadCount() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }
}
