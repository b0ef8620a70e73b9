package dev.cadre.durable;

import dev.cadre.Agent;
import dev.cadre.RunManager;
import dev.cadre.Team;
import dev.cadre.jdbc.JdbcDbs;
import dev.cadre.jdbc.PostgresDb;
import dev.cadre.jdbc.TestPostgres;
import dev.cadre.openai.OpenAIChat;
import dev.cadre.run.RunRequest;
import java.time.Duration;

/**
 * One process of a durable fleet, for the multi-process tests: a research team (a leader, a researcher, a writer)
 * on the fake OpenAI server, its runs durable on the test PostgreSQL. Prints {@code READY} once it takes work, and
 * with {@code submit} starts one background run and prints {@code RUN <id>}. Runs until killed.
 *
 * <p>Arguments: schema, instance id, the fake server's base URL, [{@code submit} | {@code submit:<n>}: n runs, each
 * printed as {@code RUN <id>}, then {@code SUBMITTED <n>} | {@code follow:<runId>}: prints
 * {@code EVENT <event> <component>} for each event of that run as this process reads it from the event log
 * ({@code <instance> <resumed from>} added for a continued event), then {@code FOLLOWED}]. System properties:
 * {@value #URL} — the JDBC URL of another server than the test PostgreSQL (a test's own cluster, which it may
 * stop); {@value #CONCURRENCY} — the worker concurrency (default {@link #WORKER_CONCURRENCY}).
 */
public final class DurableNode {

    /** Long enough that a live node on a busy CI machine is never taken for dead; short enough for the tests. */
    static final Duration STALE_AFTER = Duration.ofSeconds(8);
    static final int WORKER_CONCURRENCY = 20;
    /** The system property naming the node's database server, when it is not the test PostgreSQL. */
    static final String URL = "cadre.node.url";
    /** The system property with the node's worker concurrency. */
    static final String CONCURRENCY = "cadre.node.concurrency";

    private DurableNode() {
    }

    /** DBOS's tables of a test's fleet: a schema of their own, beside the test's, dropped with it. */
    static String dbosSchema(String schema) {
        return schema + "_dbos";
    }

    static Team team(PostgresDb db, RunManager manager, String baseUrl) {
        OpenAIChat model = OpenAIChat.builder().id("gpt-4o").baseUrl(baseUrl).apiKey("sk-test").maxRetries(0).build();
        Agent researcher = Agent.builder().name("Researcher").model(model).role("Finds facts").build();
        Agent writer = Agent.builder().name("Writer").model(model).role("Writes summaries").build();
        return Team.builder().name("Research Team").model(model).members(researcher, writer)
                .instructions("First the researcher, then the writer.").db(db).runManager(manager).build();
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("cadre.instance.id", args[1]);
        String url = System.getProperty(URL);
        PostgresDb.Builder server = url == null ? TestPostgres.builder(args[0])
                : PostgresDb.builder().url(url).schema(args[0]).maxPoolSize(8);
        // Few connections: a test's fleet shares the test PostgreSQL's connection slots with everything else.
        PostgresDb db = server.instanceId(args[1]).sweepOrphans(false).staleAfter(STALE_AFTER)
                .heartbeatInterval(Duration.ofMillis(500)).maxPoolSize(5).withoutJournal().build();
        // Cancels reach it through LISTEN/NOTIFY only (its own poll is an hour away), so the tests prove that path.
        RunManager manager = RunManager.builder().cancellationManager(JdbcDbs.cancellations(db))
                .cancelRequestPoll(Duration.ofHours(1)).build();
        Team team = team(db, manager, args[2]);
        DurableRuns durable = DurableRuns.builder(db).component(team).maxConnections(5).schema(dbosSchema(args[0]))
                .recoveryInterval(Duration.ofMillis(500))
                .queuePolling(Duration.ofMillis(100))
                .workerConcurrency(Integer.getInteger(CONCURRENCY, WORKER_CONCURRENCY)).build();
        // SIGTERM (a deploy): hand the runs in flight to the other processes instead of cancelling them.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                System.err.println("node: draining");
                int letGo = durable.drain(Duration.ofSeconds(1));
                System.err.println("node: drained, " + letGo + " let go of");
                System.out.println("DRAINED " + letGo);
                System.out.flush();
            } catch (Throwable e) {
                e.printStackTrace();
            }
        }));
        System.out.println("READY " + durable.instanceId());
        if (args.length > 3 && args[3].equals("submit")) {
            System.out.println("RUN " + durable.submit(team, RunRequest.of("Explain entropy")).runId());
        } else if (args.length > 3 && args[3].startsWith("submit:")) {
            int n = Integer.parseInt(args[3].substring("submit:".length()));
            for (int i = 0; i < n; i++) {
                System.out.println("RUN " + durable.submit(team, RunRequest.of("Question " + i)).runId());
            }
            System.out.println("SUBMITTED " + n);
        } else if (args.length > 3 && args[3].startsWith("follow:")) {
            String runId = args[3].substring("follow:".length());
            Thread.ofVirtual().start(() -> {
                try (var events = durable.events(runId, 0)) {
                    for (var e : events) {
                        String where = e instanceof dev.cadre.event.TeamRunContinued c
                                ? " " + c.instanceId() + " " + c.resumedFrom().orElse("-") : "";
                        System.out.println("EVENT " + e.event() + " " + e.componentId() + where);
                    }
                    System.out.println("FOLLOWED");
                }
            });
        }
        System.out.flush();
        Thread.currentThread().join(); // until killed
    }
}
