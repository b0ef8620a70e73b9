package dev.cadre.bench;

import dev.cadre.Agent;
import dev.cadre.RunManager;
import dev.cadre.Team;
import dev.cadre.event.RunContent;
import dev.cadre.event.RunEvent;
import dev.cadre.event.TeamRunCancelled;
import dev.cadre.model.Model;
import dev.cadre.openai.OpenAIChat;
import dev.cadre.run.CancelResult;
import dev.cadre.run.RunRequest;
import dev.cadre.run.RunStatus;
import dev.cadre.run.RunStream;
import dev.cadre.testkit.FakeOpenAIServer;
import dev.cadre.testkit.RecordedRequest;
import dev.cadre.testkit.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * 3. Cancel latency. A team run is streamed; the leader delegates to a member whose model streams
 * one token every 500 ms. After the member's first token, {@code team.cancelRun(runId)} is called
 * from another thread at a random point of a gap between two tokens. From that call we time:
 *
 * <ul>
 *   <li>(a) the terminal status committed: when the store's {@code finishRun(CANCELLED)} (or
 *       {@code finishRuns}, with its member's) returned for the team run ({@link TimedDb});
 *   <li>(b) the stream's last event ({@code TeamRunCancelled}) reaching the reader;
 *   <li>(c) the fake server seeing the member's HTTP connection closed (its Netty channel going
 *       inactive, stamped with the same {@code System.nanoTime()} clock).
 * </ul>
 *
 * <p>The floor for (a) and (b) is one commit of one row in the same database (measured here); for
 * (c) the baseline is the token gap, which is what a cancel that waits for the next chunk (Agno's)
 * takes at worst.
 */
final class CancelSuite implements Suite {

    @Override
    public String name() {
        return "cancel";
    }

    @Override
    public String title() {
        return "3. Cancel latency of a streamed team run (token every 500 ms)";
    }

    @Override
    public List<Result> run(Config c) throws Exception {
        return Databases.onEach(c, db -> measure(c, db));
    }

    /** What one cancelled run saw; times are System.nanoTime(). */
    private static final class Sample {
        final AtomicLong cancelAt = new AtomicLong();
        volatile long lastEventAt;
        volatile RunEvent lastEvent;
        volatile CancelResult cancel;
        volatile String memberRunId;
    }

    private List<Result> measure(Config c, Databases.Database db) throws Exception {
        Bench.ENV.put(db.name(), db.version());
        long gap = c.cancelTokenGapMillis();
        TimedDb store = new TimedDb(db.db());
        Map<String, RecordedRequest> memberRequests = new ConcurrentHashMap<>();
        Samples persisted = new Samples(c.cancelSamples());
        Samples lastEvent = new Samples(c.cancelSamples());
        Samples disconnected = new Samples(c.cancelSamples());
        Samples memberPersisted = new Samples(c.cancelSamples());
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try (FakeOpenAIServer server = FakeOpenAIServer.start(); RunManager rm = RunManager.builder().build()) {
            String words = "token ".repeat(200).trim();
            server.dispatcher(r -> {
                if (r.hasTool(OverheadSuite.TOOL)) {
                    return r.isAfterToolResult() ? Reply.text("Stopped.")
                            : Reply.toolCall(OverheadSuite.TOOL, "{\"member_id\":\"researcher\",\"task\":\""
                                    + r.lastUserMessage().orElseThrow() + "\"}");
                }
                memberRequests.put(r.lastUserMessage().orElseThrow(), r);
                return Reply.text(words).chunkDelay(Duration.ofMillis(gap));
            });
            Model model = OpenAIChat.builder().id("gpt-4o-mini").apiKey("sk-test").baseUrl(server.baseUrl()).build();
            Team team = Team.builder().name("Research Team").model(model)
                    .members(Agent.builder().name("Researcher").model(model)
                            .role("Research topics and provide factual information.").build())
                    .db(store).runManager(rm).build();
            int warmups = Math.max(2, c.cancelParallel());
            Semaphore slots = new Semaphore(c.cancelParallel());
            List<Thread> threads = new ArrayList<>();
            List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
            for (int i = 0; i < warmups + c.cancelSamples(); i++) {
                slots.acquire();
                boolean measured = i >= warmups;
                String input = "Question " + i + " " + db.name();
                threads.add(Thread.ofVirtual().start(() -> {
                    try {
                        Sample s = cancelOne(team, input, gap, timer);
                        long at = s.cancelAt.get();
                        if (s.cancel.outcome() != CancelResult.Outcome.CANCELLED) {
                            throw new AssertionError("cancel said " + s.cancel);
                        }
                        if (!(s.lastEvent instanceof TeamRunCancelled end) || end.status() != RunStatus.CANCELLED) {
                            throw new AssertionError("stream ended with " + s.lastEvent);
                        }
                        TimedDb.Finish f = store.finish(s.cancel.runId()).orElseThrow();
                        if (f.status() != RunStatus.CANCELLED) {
                            throw new AssertionError("stored " + f.status());
                        }
                        RecordedRequest member = memberRequests.remove(input);
                        if (!member.awaitDisconnect(Duration.ofSeconds(10))) {
                            throw new AssertionError("the fake server never saw the member's connection close");
                        }
                        TimedDb.Finish m = store.finish(s.memberRunId).orElseThrow();
                        if (m.status() != RunStatus.CANCELLED) {
                            throw new AssertionError("member stored " + m.status());
                        }
                        if (measured) {
                            memberPersisted.add(m.atNanos() - at);
                            persisted.add(f.atNanos() - at);
                            lastEvent.add(s.lastEventAt - at);
                            disconnected.add(member.disconnectedAtNanos().getAsLong() - at);
                        }
                        store.forget(s.cancel.runId());
                        store.forget(s.memberRunId);
                    } catch (Throwable e) {
                        failures.add(e);
                    } finally {
                        slots.release();
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            if (!failures.isEmpty()) {
                throw new AssertionError(failures.size() + " cancelled runs failed; first: " + failures.get(0),
                        failures.get(0));
            }
        } finally {
            timer.shutdownNow();
        }
        Samples commit = db.commitLatency(c.commitSamples());
        String floor = "one " + db.name() + " commit (JDBC)";
        int n = persisted.size();
        String d = db.name();
        return List.of(
                Result.of(name(), d + ": cancel → CANCELLED committed, p50", persisted.p50Millis(), commit.p50Millis(),
                        floor + ", p50", "ms", n, c.cancelParallel() + " runs streaming at once"),
                Result.of(name(), d + ": cancel → CANCELLED committed, p99", persisted.p99Millis(), commit.p99Millis(),
                        floor + ", p99", "ms", n, ""),
                Result.of(name(), d + ": cancel → member's CANCELLED committed, p50", memberPersisted.p50Millis(),
                        commit.p50Millis(), floor + ", p50", "ms", n, "breakdown: the member ends first"),
                Result.of(name(), d + ": cancel → stream's last event, p50", lastEvent.p50Millis(), commit.p50Millis(),
                        floor + ", p50", "ms", n, "TeamRunCancelled, sent after the commit"),
                Result.of(name(), d + ": cancel → stream's last event, p99", lastEvent.p99Millis(), commit.p99Millis(),
                        floor + ", p99", "ms", n, ""),
                Result.of(name(), d + ": cancel → fake sees connection closed, p50", disconnected.p50Millis(),
                        gap, "token gap (a next-chunk cancel waits up to this)", "ms", n, "member's model request"),
                Result.of(name(), d + ": cancel → fake sees connection closed, p99", disconnected.p99Millis(),
                        gap, "token gap", "ms", n, ""));
    }

    /** Streams one team run, cancels it mid-stream from a timer thread, and reads the stream to its end. */
    private static Sample cancelOne(Team team, String input, long gapMillis, ScheduledExecutorService timer) {
        Sample s = new Sample();
        try (RunStream stream = team.stream(RunRequest.builder(input).build())) {
            String runId = stream.runId();
            java.util.concurrent.ScheduledFuture<?> cancelled = null;
            for (RunEvent e : stream) {
                s.lastEventAt = System.nanoTime();
                s.lastEvent = e;
                if (cancelled == null && e instanceof RunContent content) {
                    s.memberRunId = content.runId();
                    // A random point inside the gap before the next token: the cancel must not wait for it.
                    long delay = ThreadLocalRandom.current().nextLong(gapMillis / 10, gapMillis * 8 / 10);
                    cancelled = timer.schedule(() -> {
                        s.cancelAt.set(System.nanoTime());
                        s.cancel = team.cancelRun(runId);
                    }, delay, TimeUnit.MILLISECONDS);
                }
            }
            if (cancelled != null) {
                cancelled.get(10, TimeUnit.SECONDS); // cancelRun has returned and said what it did
            }
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new AssertionError("cancelRun failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        if (s.cancel == null) {
            throw new AssertionError("the run ended before it was cancelled: " + s.lastEvent);
        }
        return s;
    }
}
