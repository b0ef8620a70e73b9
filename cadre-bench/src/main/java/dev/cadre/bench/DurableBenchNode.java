package dev.cadre.bench;

import dev.cadre.Agent;
import dev.cadre.RunManager;
import dev.cadre.Team;
import dev.cadre.durable.DurableRuns;
import dev.cadre.jdbc.JdbcDbs;
import dev.cadre.jdbc.PostgresDb;
import dev.cadre.model.Model;
import dev.cadre.openai.OpenAIChat;
import dev.cadre.run.RunRequest;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.run.TeamRunOutput;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.StringJoiner;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * One process of the durable benchmark's fleet (or, in {@code local} mode, the one process of the local-mode
 * comparison): the background suite's team — a leader with one member, whose model is the fake server of the
 * bench process — on a PostgreSQL schema of the bench's. It starts with its store, team and manager built, says
 * {@code STARTED}, and then answers commands on stdin, one line each, so that the bench waits on answers instead of
 * on time:
 *
 * <pre>
 *   join               → builds its DurableRuns and takes work from the queue: "READY &lt;instance id&gt;"
 *   floor N            → N one-row INSERTs, each its own transaction, timed: "OK &lt;ns&gt; &lt;ns&gt; ..."
 *   accept N PREFIX    → N runs submitted one at a time, each awaited in the db before the next: "OK &lt;N accept
 *                        times&gt; &lt;N times until the run was read COMPLETED&gt;" (ns)
 *   submit N PREFIX    → N runs submitted back to back: "OK &lt;epoch ms of the first&gt; &lt;ns&gt; ..."
 *   run INPUT          → one run submitted: "OK &lt;run id&gt;"
 *   leave              → drains its DurableRuns and takes no more work: "OK &lt;runs let go of&gt;"
 * </pre>
 *
 * <p>Times are taken in this process ({@code System.nanoTime()}), around the call alone. A failure answers
 * {@code ERR <message>}. Runs until killed.
 *
 * <p>Arguments: {@code local|durable}, the store's schema, DBOS's schema, the instance id, the fake server's base
 * URL, worker concurrency, staleAfter, heartbeat interval, recovery interval, queue polling (the last four in ms).
 */
public final class DurableBenchNode {

    private final boolean durableMode;
    private final PostgresDb db;
    private final Team team;
    private final String schema;
    private final String dbosSchema;
    private final int workerConcurrency;
    private final Duration recoveryInterval;
    private final Duration queuePolling;
    private DurableRuns durable;

    private DurableBenchNode(String[] a) {
        this.durableMode = a[0].equals("durable");
        this.schema = a[1];
        this.dbosSchema = a[2];
        String instanceId = a[3];
        this.workerConcurrency = Integer.parseInt(a[5]);
        this.recoveryInterval = Duration.ofMillis(Long.parseLong(a[8]));
        this.queuePolling = Duration.ofMillis(Long.parseLong(a[9]));
        // Before anything reads it: the process's id for its heartbeat and, in durable mode, its DBOS executor id.
        System.setProperty("cadre.instance.id", instanceId);
        warmDriver();
        PostgresDb.Builder b = PostgresDb.builder().url(Databases.postgresUrl()).schema(schema).instanceId(instanceId)
                .withoutJournal();
        if (durableMode) {
            // A dead node's runs are resumed by another, not ended as orphans.
            b.sweepOrphans(false).staleAfter(Duration.ofMillis(Long.parseLong(a[6])))
                    .heartbeatInterval(Duration.ofMillis(Long.parseLong(a[7])));
        }
        this.db = b.build();
        // Durable: cancels arrive through LISTEN/NOTIFY alone — the manager's own poll is an hour away, so the cancel
        // benchmark measures that path. Local: the manager executes at most as many runs at once as a durable node.
        RunManager manager = durableMode
                ? RunManager.builder().cancellationManager(JdbcDbs.cancellations(db))
                        .cancelRequestPoll(Duration.ofHours(1)).build()
                : RunManager.builder().maxBackgroundRuns(workerConcurrency).build();
        this.team = team(db, manager, a[4]);
    }

    /**
     * Opens one connection with no time limit before the store opens its own: the store gives a connection 2 s,
     * and with every node starting at once on 2 cores the driver's first connection (its classes loaded and
     * compiled meanwhile) can take longer.
     */
    private static void warmDriver() {
        try (Connection c = DriverManager.getConnection(Databases.postgresUrl())) {
            c.isValid(0);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("PostgreSQL not reachable at " + Databases.postgresUrl(), e);
        }
    }

    /** The team every process builds alike (same names, so the same component ids). */
    static Team team(PostgresDb db, RunManager manager, String baseUrl) {
        Model model = OpenAIChat.builder().id("gpt-4o-mini").apiKey("sk-test").baseUrl(baseUrl).maxRetries(0).build();
        return Team.builder().name("Research Team").model(model)
                .members(Agent.builder().name("Researcher").role("Research topics.").build())
                .db(db).runManager(manager).build();
    }

    public static void main(String[] args) throws Exception {
        DurableBenchNode node = new DurableBenchNode(args);
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        out.println("STARTED");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            String answer;
            try {
                answer = node.answer(line.trim().split(" ", 2));
            } catch (Exception | AssertionError e) {
                e.printStackTrace();
                answer = "ERR " + String.valueOf(e).replace('\n', ' ');
            }
            out.println(answer);
        }
        // stdin closed: the bench is gone, so is this node.
        System.exit(0);
    }

    /** @param cmd the command and the rest of its line */
    private String answer(String[] cmd) throws Exception {
        String[] args = cmd.length > 1 ? cmd[1].split(" ", 2) : new String[0];
        return switch (cmd[0]) {
            case "join" -> join();
            case "floor" -> floor(Integer.parseInt(args[0]));
            case "accept" -> accept(Integer.parseInt(args[0]), args[1]);
            case "submit" -> submit(Integer.parseInt(args[0]), args[1]);
            case "run" -> "OK " + submitOne(cmd[1]).runId();
            case "leave" -> leave();
            default -> throw new IllegalArgumentException("unknown command " + cmd[0]);
        };
    }

    private String join() {
        if (durableMode && durable == null) {
            durable = DurableRuns.builder(db).component(team).schema(dbosSchema).workerConcurrency(workerConcurrency)
                    .recoveryInterval(recoveryInterval).queuePolling(queuePolling).build();
        }
        return "READY " + (durable != null ? durable.instanceId() : "local");
    }

    /**
     * Leaves the fleet, as a deploy does ({@code drain}: nothing of its own is left to resume, it has no runs), while
     * the process lives on, warm, to {@code join} again later with a new DurableRuns.
     */
    private String leave() throws InterruptedException {
        int letGo = durable == null ? 0 : durable.drain(Duration.ZERO);
        durable = null;
        return "OK " + letGo;
    }

    private TeamRunOutput submitOne(String input) {
        TeamRunOutput pending = durableMode ? durable.submit(team, RunRequest.of(input)) : team.runInBackground(input);
        if (pending.status() != RunStatus.PENDING) {
            throw new AssertionError("accepted as " + pending.status() + ", not PENDING");
        }
        return pending;
    }

    /** The floor of an accept: one INSERT of one ~2 KB row in its own transaction (autocommit), on this server. */
    private String floor(int n) throws Exception {
        String table = schema + ".bench_floor";
        try (Connection c = DriverManager.getConnection(Databases.postgresUrl()); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + table + " (id BIGSERIAL PRIMARY KEY, body JSONB)");
            try (PreparedStatement p = c.prepareStatement("INSERT INTO " + table + "(body) VALUES (?::jsonb)")) {
                for (int i = 0; i < 200; i++) { // warm the statement, the driver and the table
                    p.setString(1, Databases.ROW);
                    p.executeUpdate();
                }
                StringJoiner times = new StringJoiner(" ", "OK ", "");
                for (int i = 0; i < n; i++) {
                    p.setString(1, Databases.ROW);
                    long t = System.nanoTime();
                    p.executeUpdate();
                    times.add(Long.toString(System.nanoTime() - t));
                }
                return times.toString();
            }
        }
    }

    /** Idle accepts: nothing else runs while each is timed — the run is awaited (in the db) before the next. */
    private String accept(int n, String prefix) throws InterruptedException {
        StringJoiner accepts = new StringJoiner(" ", "OK ", "");
        StringJoiner ends = new StringJoiner(" ");
        for (int i = 0; i < n; i++) {
            // At a random moment of the queue's polling, as a request reaches an idle fleet: submitted right after
            // the run before ended, each would come just after the poll that took that one, and wait a whole
            // interval for the next.
            LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(queuePolling.toNanos()));
            long t = System.nanoTime();
            TeamRunOutput pending = submitOne(prefix + " " + i);
            accepts.add(Long.toString(System.nanoTime() - t));
            awaitCompleted(pending.runId());
            ends.add(Long.toString(System.nanoTime() - t));
        }
        return accepts + " " + ends;
    }

    /** Loaded accepts: back to back from one thread, while the runs accepted before execute and write. */
    private String submit(int n, String prefix) {
        long firstAt = System.currentTimeMillis();
        StringJoiner times = new StringJoiner(" ", "OK " + firstAt + " ", "");
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            submitOne(prefix + " " + i);
            times.add(Long.toString(System.nanoTime() - t));
        }
        return times.toString();
    }

    /** The run may execute on any process of the fleet: only the db says when it has ended. */
    private void awaitCompleted(String runId) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            RunResult r = db.getRun(runId).orElseThrow();
            if (r.status().isTerminal()) {
                if (r.status() != RunStatus.COMPLETED) {
                    throw new AssertionError("run " + runId + " ended " + r.status() + ": " + r.content());
                }
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("run " + runId + " did not end within 60 s; it is " + r.status());
            }
            // Often enough to add little to the next sample's start, rarely enough not to compete with the run.
            LockSupport.parkNanos(2_000_000);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }
}
