package dev.cadre.bench;

import dev.cadre.RunManager;
import dev.cadre.Team;
import dev.cadre.jdbc.JdbcDbs;
import dev.cadre.jdbc.PostgresDb;
import dev.cadre.run.CancelResult;
import dev.cadre.testkit.FakeOpenAIServer;
import dev.cadre.testkit.RecordedRequest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The durable benchmark's cross-process parts. <b>Cancel</b>: a run executing on a node, its model request held
 * open by the fake server, is cancelled from this process — which acts as a third process: a store of its own on the
 * fleet's schema, a run manager with {@code JdbcDbs.cancellations(db)} (PostgreSQL LISTEN/NOTIFY) and the same
 * team — and timed, on this JVM's clock, to the fake server (in this JVM) seeing the model connection closed and to
 * the run read {@code CANCELLED}. Floor: a bare NOTIFY → LISTEN round trip between two connections.
 * <b>Recovery</b>: a node executing N runs is killed ({@code Process.destroyForcibly()}); time until another node
 * has every one COMPLETED, split at the moment it recorded the death (its claim in {@code cadre_recoveries}).
 */
final class DurableCrossProcess {

    static final String CANCEL = "Cancel-";
    static final String RECOVER = "Recover-";
    private static final Duration WAIT = Duration.ofSeconds(120);
    /** A cancel not carried out within this was not heard: its notification was lost. */
    private static final Duration LOST = Duration.ofSeconds(10);

    private final Config config;
    private final FakeOpenAIServer fake;
    private final DurableFleet fleet;

    DurableCrossProcess(Config config, FakeOpenAIServer fake, DurableFleet fleet) {
        this.config = config;
        this.fake = fake;
        this.fleet = fleet;
    }

    /** A store of this process's own on the fleet's schema: it executes nothing and ends no one's runs. */
    private PostgresDb store(String instanceId) {
        return PostgresDb.builder().url(Databases.postgresUrl()).schema(fleet.schema).instanceId(instanceId)
                .sweepOrphans(false).staleAfter(DurableSuite.SETTINGS.staleAfter())
                .heartbeatInterval(DurableSuite.SETTINGS.heartbeat()).withoutJournal().build();
    }

    /** Cancels runs submitted through {@code submitter}, one at a time, each while its model request is held. */
    List<Result> cancels(String suite, DurableFleet.Node submitter) throws Exception {
        Samples roundTrip = notifyRoundTrips(config.commitSamples());
        int n = config.durableCancelSamples();
        Samples returned = new Samples(n);
        Samples closed = new Samples(n);
        Samples stored = new Samples(n);
        String runs = fleet.schema + ".cadre_runs";
        int lost = 0;
        try (PostgresDb db = store("bench-canceller");
                RunManager manager = RunManager.builder().cancellationManager(JdbcDbs.cancellations(db)).build();
                Connection reader = DriverManager.getConnection(Databases.postgresUrl());
                PreparedStatement status = reader.prepareStatement("SELECT status FROM " + runs
                        + " WHERE run_id = ?")) {
            Team team = DurableBenchNode.team(db, manager, fake.baseUrl());
            warmCancels(team, submitter, status, runs, Math.max(5, n));
            for (int i = 0; returned.size() < n; i++) {
                String input = CANCEL + i;
                String runId = submitter.ask("run " + input);
                RecordedRequest request = fake.awaitRequest(r -> input.equals(r.lastUserMessage().orElse(null)), 1,
                        WAIT);
                long asked = System.nanoTime();
                CancelResult result = team.cancelRun(runId);
                long back = System.nanoTime();
                if (result.outcome() != CancelResult.Outcome.REQUESTED) {
                    throw new AssertionError("a cancel from another process said " + result);
                }
                long end = awaitStatus(status, runId, "CANCELLED", LOST);
                if (end < 0) {
                    // The notification was lost — the executing process's listening connection was down (a server
                    // restart, or another client terminating connections on a shared server) — and the owner's own
                    // poll is an hour away: asking again notifies again. Such a sample measures the outage, not the
                    // cancel: it is reported, not counted.
                    if (++lost > n) {
                        throw new AssertionError(lost + " cancels never heard by the executing process: its "
                                + "LISTEN connection does not come back");
                    }
                    team.cancelRun(runId);
                    mustReach(status, runId, "CANCELLED");
                    continue;
                }
                if (!request.awaitDisconnect(WAIT)) {
                    throw new AssertionError("the fake server never saw the model connection of " + runId + " close");
                }
                returned.add(back - asked);
                closed.add(request.disconnectedAtNanos().getAsLong() - asked);
                stored.add(end - asked);
            }
        }
        if (lost > 0) {
            Bench.ENV.put("durable: cancels lost", lost + " notification(s) lost to a dropped listening connection: "
                    + "asked again, not counted");
        }
        Map<String, Long> where = DurableFleet.query("SELECT owner_instance, count(*) FROM " + runs
                + " WHERE input->>'input_content' LIKE '" + CANCEL + "%' GROUP BY owner_instance ORDER BY 1");
        Bench.ENV.put("durable: cancelled runs executed by", where.toString());
        String floor = "NOTIFY → LISTEN round trip (JDBC)";
        String note = "run on another process, its model request held open; cancelRun from this one";
        return List.of(
                Result.of(suite, "durable: cancel → fake sees connection closed, p50", closed.p50Millis(),
                        roundTrip.p50Millis(), floor + ", p50", "ms", n, note),
                Result.of(suite, "durable: cancel → fake sees connection closed, p99", closed.p99Millis(),
                        roundTrip.p99Millis(), floor + ", p99", "ms", n, ""),
                Result.of(suite, "durable: cancel → run read CANCELLED, p50", stored.p50Millis(), roundTrip.p50Millis(),
                        floor + ", p50", "ms", n, "the runs table read every 0.25 ms from this process"),
                Result.of(suite, "durable: cancel → run read CANCELLED, p99", stored.p99Millis(), roundTrip.p99Millis(),
                        floor + ", p99", "ms", n, ""),
                Result.of(suite, "durable: cancelRun returns, p50", returned.p50Millis(), roundTrip.p50Millis(),
                        floor + ", p50", "ms", n, "breakdown: the request written, then the NOTIFY sent"));
    }

    /**
     * Warms both ends of a cancel before any is timed: this process's (cancels of runs that have ended: the request's
     * transaction and the run read back, no NOTIFY) and the fleet's (a burst of {@code n} runs cancelled while their
     * model requests are held: the notification heard, the connection closed, the run ended CANCELLED).
     */
    private void warmCancels(Team team, DurableFleet.Node submitter, PreparedStatement status, String runs, int n)
            throws Exception {
        Map<String, Long> ended = DurableFleet.query("SELECT run_id, seq FROM " + runs
                + " WHERE status = 'COMPLETED' ORDER BY seq LIMIT " + 20 * n);
        for (String runId : ended.keySet()) {
            team.cancelRun(runId);
        }
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(submitter.ask("run " + CANCEL + "warm " + i));
        }
        fake.awaitRequest(r -> r.lastUserMessage().orElse("").startsWith(CANCEL + "warm "), n, WAIT);
        for (String runId : ids) {
            team.cancelRun(runId);
        }
        for (String runId : ids) {
            if (awaitStatus(status, runId, "CANCELLED", LOST) < 0) {
                team.cancelRun(runId); // its notification was lost: see cancels
                mustReach(status, runId, "CANCELLED");
            }
        }
    }

    private static void mustReach(PreparedStatement status, String runId, String want) throws Exception {
        if (awaitStatus(status, runId, want, WAIT) < 0) {
            throw new AssertionError("run " + runId + " not " + want + " within " + WAIT);
        }
    }

    /**
     * Reads the run's status until it is {@code want}; returns when it read so ({@code System.nanoTime()}), or -1
     * when it was not so within {@code timeout}.
     */
    private static long awaitStatus(PreparedStatement status, String runId, String want, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        status.setString(1, runId);
        while (true) {
            try (ResultSet rs = status.executeQuery()) {
                rs.next();
                String s = rs.getString(1);
                if (s.equals(want)) {
                    return System.nanoTime();
                }
                if (s.equals("COMPLETED") || s.equals("CANCELLED") || s.equals("ERROR")) {
                    throw new AssertionError("run " + runId + " ended " + s + ", not " + want);
                }
            }
            if (System.nanoTime() > deadline) {
                return -1;
            }
            LockSupport.parkNanos(250_000);
        }
    }

    /**
     * The floor of a cross-process cancel: one {@code NOTIFY} (its own transaction) from one connection until a
     * thread blocked on another connection's {@code LISTEN} has it — what Cadre's cancel listener does, bare.
     */
    static Samples notifyRoundTrips(int n) throws Exception {
        String channel = "cadre_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        int warm = Math.min(200, n);
        Samples s = new Samples(n);
        LinkedBlockingQueue<long[]> arrivals = new LinkedBlockingQueue<>();
        try (Connection listening = DriverManager.getConnection(Databases.postgresUrl());
                Connection sending = DriverManager.getConnection(Databases.postgresUrl());
                PreparedStatement notify = sending.prepareStatement("SELECT pg_notify(?, ?)")) {
            listening.createStatement().execute("LISTEN " + channel);
            PGConnection pg = listening.unwrap(PGConnection.class);
            Thread listener = Thread.ofPlatform().daemon().name("bench-listener").start(() -> {
                try {
                    while (!Thread.currentThread().isInterrupted()) {
                        PGNotification[] got = pg.getNotifications(1_000);
                        long at = System.nanoTime();
                        for (PGNotification g : got == null ? new PGNotification[0] : got) {
                            arrivals.add(new long[] {Long.parseLong(g.getParameter()), at});
                        }
                    }
                } catch (SQLException e) {
                    arrivals.add(new long[] {-1, -1});
                }
            });
            try {
                for (int i = 0; i < warm + n; i++) {
                    notify.setString(1, channel);
                    notify.setString(2, Integer.toString(i));
                    long t = System.nanoTime();
                    notify.execute();
                    long[] got = arrivals.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
                    if (got == null || got[0] != i) {
                        throw new AssertionError("notification " + i + " arrived as " + Arrays.toString(got));
                    }
                    if (i >= warm) {
                        s.add(got[1] - t);
                    }
                }
            } finally {
                listener.interrupt();
                listening.close(); // unblocks the listener
                listener.join(5_000);
            }
        }
        return s;
    }

    /**
     * Kills the node executing the runs, {@code kills} times: each round, the victim ({@code nodes[r]}) is the only
     * process of the fleet (the others have left it, as a deploy drains one) and takes N runs, their model requests
     * held; the next node, warm from the earlier benchmarks, joins again; the victim is killed, and that node — the
     * survivor, and the next round's victim — resumes them. Times are epoch milliseconds: this process's clock for
     * the kill, the survivor's for its claim and the runs' last writes, one machine's clock.
     */
    List<Result> recoveries(String suite, List<DurableFleet.Node> nodes, int kills) throws Exception {
        if (kills < 1) {
            return List.of(); // one process: no other to resume its runs
        }
        int n = config.durableRecoveryRuns();
        Samples detect = new Samples(kills);
        Samples resume = new Samples(kills);
        Samples total = new Samples(kills);
        StringJoiner rounds = new StringJoiner("; ");
        for (DurableFleet.Node other : nodes.subList(1, nodes.size())) {
            other.ask("leave");
        }
        try (PostgresDb observer = store("bench-observer")) {
            for (int r = 0; r < kills; r++) {
                DurableFleet.Node victim = nodes.get(r);
                DurableFleet.Node survivor = nodes.get(r + 1);
                String prefix = RECOVER + r + " ";
                victim.ask("submit " + n + " " + RECOVER + r);
                fake.awaitRequest(q -> q.lastUserMessage().orElse("").startsWith(prefix), n, WAIT);
                survivor.join();
                long killedAt = System.currentTimeMillis();
                victim.kill();
                DurableSuite.awaitEnded(fleet.schema);
                long claimedAt = check(victim, survivor, prefix, n);
                String rows = fleet.schema + ".cadre_runs WHERE input->>'input_content' LIKE '" + prefix + "%'";
                long lastAt = DurableFleet.query("SELECT 'last', max(updated_at) FROM " + rows).get("last");
                Instant beat = observer.lastHeartbeat(victim.instanceId).orElseThrow();
                detect.add((claimedAt - killedAt) * 1_000_000);
                resume.add((lastAt - claimedAt) * 1_000_000);
                total.add((lastAt - killedAt) * 1_000_000);
                rounds.add(String.format(Locale.ROOT, "last heartbeat %d ms before the kill, death recorded %d ms "
                        + "after it, all %d COMPLETED %d ms later", killedAt - beat.toEpochMilli(),
                        claimedAt - killedAt, n, lastAt - claimedAt));
            }
        }
        Bench.ENV.put("durable: recoveries", rounds.toString());
        DurableFleet.Settings st = DurableSuite.SETTINGS;
        double stale = st.staleAfter().toMillis();
        String settings = String.format(Locale.ROOT, "%d runs; staleAfter %d ms, heartbeat %d ms, recovery interval "
                + "%d ms", n, st.staleAfter().toMillis(), st.heartbeat().toMillis(), st.recoveryInterval().toMillis());
        int k = kills;
        return List.of(
                Result.of(suite, "durable: kill -9 → every run COMPLETED elsewhere, p50", total.p50Millis(), stale,
                        "staleAfter (dead only after it, by design)", "ms", k, settings),
                Result.of(suite, "durable: kill -9 → death recorded (detection), p50", detect.p50Millis(), stale,
                        "staleAfter", "ms", k, "≈ staleAfter − (kill − last heartbeat) + up to one recovery interval"),
                Result.of(suite, "durable: death recorded → every run COMPLETED (resume), p50", resume.p50Millis(),
                        st.queuePolling().toMillis(), "queue polling interval (a resumed run waits up to it)", "ms", k,
                        "resumed through the queue, each from its last completed step"));
    }

    /** Checks the round's runs and returns when the survivor recorded the victim's death (epoch ms). */
    private long check(DurableFleet.Node victim, DurableFleet.Node survivor, String prefix, int n) throws SQLException {
        String rows = fleet.schema + ".cadre_runs WHERE input->>'input_content' LIKE '" + prefix + "%'";
        Map<String, Long> ends = DurableFleet.query("SELECT status || ' on ' || owner_instance, count(*) FROM " + rows
                + " GROUP BY 1");
        if (!ends.equals(Map.of("COMPLETED on " + survivor.instanceId, (long) n))) {
            throw new AssertionError("after the kill of " + victim.instanceId + ": " + ends);
        }
        List<RecordedRequest> asked = fake.requests().stream()
                .filter(q -> q.lastUserMessage().orElse("").startsWith(prefix)).toList();
        if (asked.size() != 2 * n) {
            throw new AssertionError("each run asks twice (killed, resumed): " + asked.size() + " requests for " + n);
        }
        Map<String, Long> claims = DurableFleet.query("SELECT recovered_by, recovered_at FROM \"" + fleet.dbosSchema
                + "\".cadre_recoveries WHERE executor_id = '" + victim.instanceId + "'");
        if (claims.size() != 1 || !claims.containsKey(survivor.instanceId)) {
            throw new AssertionError("the death of " + victim.instanceId + " recorded as " + claims);
        }
        return claims.get(survivor.instanceId);
    }
}
