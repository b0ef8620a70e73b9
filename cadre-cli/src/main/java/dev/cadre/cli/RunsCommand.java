package dev.cadre.cli;

import dev.cadre.RunManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cadre.cli.internal.Console;
import dev.cadre.jdbc.JdbcDbs;
import dev.cadre.jdbc.SqliteDb;
import dev.cadre.db.DbException;
import dev.cadre.json.CadreJson;
import dev.cadre.run.CancelResult;
import dev.cadre.run.RunResult;
import dev.cadre.db.Page;
import dev.cadre.db.SessionQuery;
import dev.cadre.db.SessionRecord;
import dev.cadre.db.Db;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code cadre runs list|get|cancel}: look at and cancel runs, in a db or on a running server. */
@Command(name = "runs", mixinStandardHelpOptions = true,
        description = "Lists, shows and cancels runs, straight from a db (--db) or through a running server (--url).",
        subcommands = {RunsCommand.ListRuns.class, RunsCommand.GetRun.class, RunsCommand.CancelRun.class},
        footer = {"", "Examples:",
            "  cadre runs list --db sqlite:cadre.db",
            "  cadre runs get 3f2a... --db jdbc:postgresql://127.0.0.1:5432/test?user=postgres",
            "  cadre runs cancel 3f2a... --url http://127.0.0.1:7777 --key $OS_SECURITY_KEY"})
final class RunsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing a subcommand: list, get or cancel");
    }


    /** Where the runs are: a db, or a server. */
    static final class Target {
        @ArgGroup(exclusive = true, multiplicity = "1")
        Where where;

        static final class Where {
            @Option(names = "--db", paramLabel = "URL",
                    description = "A db: sqlite:FILE, jdbc:postgresql://..., postgresql://user:password@host/db")
            String db;

            @Option(names = "--url", paramLabel = "URL", description = "A running Cadre server, e.g. http://127.0.0.1:7777")
            String url;
        }

        @Option(names = "--key", paramLabel = "KEY", defaultValue = "${env:OS_SECURITY_KEY}",
                description = "The server's security key (default: $OS_SECURITY_KEY)")
        String key;

        @Option(names = "--json", description = "Print JSON instead of a table")
        boolean json;

        Runs open() {
            if (where.db == null) {
                return new HttpRuns(where.url, Optional.ofNullable(key));
            }
            try {
                // A tool that looks at a db ends no one's runs: the servers sharing it sweep their dead peers' runs
                // (or, durable, resume them). Nor does it create one: a mistyped file name would otherwise
                // be a new, empty database that has "No runs."
                return new DbRuns(JdbcDbs.open(where.db, b -> {
                    b.sweepOrphans(false);
                    if (b instanceof SqliteDb.Builder sqlite) {
                        sqlite.createIfMissing(false);
                    }
                }));
            } catch (DbException e) {
                if (e.kind() == DbException.Kind.NOT_FOUND) {
                    throw new UsageException(e.getMessage() + ". Check the --db path (a SQLite file is created"
                            + " by `cadre run` or `cadre serve`, not by `cadre runs`).");
                }
                throw e;
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Lists the newest runs (team and agent runs; not member runs).",
            footer = {"", "Examples:", "  cadre runs list --db sqlite:cadre.db",
                "  cadre runs list --db sqlite:cadre.db --session 5d1c... --json",
                "  cadre runs list --url http://127.0.0.1:7777 --key $OS_SECURITY_KEY --limit 5"})
    static final class ListRuns implements Callable<Integer> {
        @Mixin
        Target target;

        @Option(names = "--limit", defaultValue = "20", description = "How many sessions to look at, newest first (default ${DEFAULT-VALUE})")
        int limit;

        @Option(names = "--session", paramLabel = "ID", description = "Only the runs of this session")
        String session;

        @Override
        public Integer call() throws Exception {
            try (Runs runs = target.open()) {
                List<RunResult> found = runs.list(Optional.ofNullable(session), limit);
                Console c = Console.system();
                if (target.json) {
                    ArrayNode array = CadreJson.mapper().createArrayNode();
                    found.forEach(r -> array.add(CadreJson.tree(r)));
                    c.println(array.toPrettyString());
                    return 0;
                }
                if (found.isEmpty()) {
                    c.println("No runs.");
                    return 0;
                }
                c.println(c.bold(String.format("%-36s  %-20s  %-9s  %-19s  %s", "RUN", "TEAM/AGENT", "STATUS", "CREATED", "ANSWER")));
                for (RunResult r : found) {
                    c.println(String.format("%-36s  %-20s  %-9s  %-19s  %s", r.runId(), clip(r.componentId(), 20),
                            r.status(), TIME.format(r.createdAt()), clip(r.content().replace('\n', ' '), 50)));
                }
                return 0;
            }
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Shows one run, with its member runs.",
            footer = {"", "Examples:", "  cadre runs get 3f2a... --db sqlite:cadre.db",
                "  cadre runs get 3f2a... --url http://127.0.0.1:7777 --json | jq .member_responses"})
    static final class GetRun implements Callable<Integer> {
        @Mixin
        Target target;

        @Parameters(paramLabel = "RUN_ID", description = "The run's id")
        String runId;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            try (Runs runs = target.open()) {
                Optional<RunResult> run = runs.get(runId);
                Console c = Console.system();
                if (run.isEmpty()) {
                    spec.commandLine().getErr().println("cadre: no run " + runId
                            + " there. `cadre runs list` shows the runs.");
                    return 1;
                }
                if (target.json) {
                    c.println(CadreJson.tree(run.get()).toPrettyString());
                    return 0;
                }
                print(c, run.get(), "");
                return 0;
            }
        }

        private static void print(Console c, RunResult r, String indent) {
            c.println(indent + c.bold(r.componentName()) + "  " + r.runId() + "  " + r.status());
            c.println(indent + "  session " + r.sessionId() + ", created " + TIME.format(r.createdAt())
                    + r.metrics().duration().map(d -> ", took " + Console.seconds(d)).orElse("")
                    + (r.metrics().totalTokens() > 0 ? ", " + r.metrics().totalTokens() + " tokens" : ""));
            c.println(indent + "  input:  " + clip(r.input().inputContent().replace('\n', ' '), 100));
            r.error().ifPresent(e -> c.println(indent + "  error:  " + e.type() + ": " + e.message()));
            c.println(indent + "  answer: " + clip(r.content().replace('\n', ' '), 300));
            if (r instanceof dev.cadre.run.TeamRunOutput t) {
                for (RunResult m : t.memberResponses()) {
                    print(c, m, indent + "    ");
                }
            }
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true,
            description = {"Cancels a run and says what happened.",
                "Exits 0 when it was cancelled (or will be), 1 when it had already ended or is not known."},
            footer = {"", "Examples:", "  cadre runs cancel 3f2a... --url http://127.0.0.1:7777",
                "  cadre runs cancel 3f2a... --db jdbc:postgresql://127.0.0.1:5432/test?user=postgres"})
    static final class CancelRun implements Callable<Integer> {
        @Mixin
        Target target;

        @Parameters(paramLabel = "RUN_ID", description = "The run's id")
        String runId;

        @Override
        public Integer call() throws Exception {
            try (Runs runs = target.open()) {
                CancelResult result = runs.cancel(runId);
                Console c = Console.system();
                if (target.json) {
                    c.println(CadreJson.tree(result).toPrettyString());
                } else {
                    c.println(result.outcome() + ": " + result.message());
                }
                return result.accepted() ? 0 : 1;
            }
        }
    }

    // ---- where runs come from --------------------------------------------------------------------

    /** The runs of a db or of a server. */
    interface Runs extends AutoCloseable {
        List<RunResult> list(Optional<String> session, int limit) throws IOException, InterruptedException;

        Optional<RunResult> get(String runId) throws IOException, InterruptedException;

        CancelResult cancel(String runId) throws IOException, InterruptedException;

        @Override
        void close();
    }

    /** Straight from a db; a cancel goes through the store to the process that runs the run. */
    static final class DbRuns implements Runs {
        private final Db store;

        DbRuns(Db store) {
            this.store = store;
        }

        @Override
        public List<RunResult> list(Optional<String> session, int limit) {
            List<String> sessions = session.map(List::of).orElseGet(() -> {
                Page<SessionRecord> page = store.listSessions(SessionQuery.all().withPage(1, limit));
                return page.items().stream().map(SessionRecord::sessionId).toList();
            });
            List<RunResult> out = new ArrayList<>();
            for (String s : sessions) {
                out.addAll(store.listRuns(s));
            }
            out.sort((a, b) -> b.createdAt().compareTo(a.createdAt()));
            return out;
        }

        @Override
        public Optional<RunResult> get(String runId) {
            return store.getRun(runId);
        }

        @Override
        public CancelResult cancel(String runId) {
            // This process runs nothing (a manager of its own, with no runs): the cancel is recorded in the db,
            // where the owner finds it and ends the run — at once on PostgreSQL, which notifies it.
            RunManager none = RunManager.builder().cancellationManager(dev.cadre.jdbc.JdbcDbs.cancellations(store))
                    .build();
            try {
                CancelResult result = none.cancel(runId, store);
                if (result.outcome() == CancelResult.Outcome.NOT_FOUND) {
                    // The db records cancel requests only for runs it holds, and the manager that remembers a
                    // cancel for a run not started yet is this one, gone when the command exits: nothing is kept.
                    return new CancelResult(runId, CancelResult.Outcome.NOT_FOUND, Optional.empty(),
                            "No run " + runId + " is in this db. Nothing was recorded: a run started later with this"
                                    + " id is not cancelled. `cadre runs list` shows the runs.");
                }
                return result;
            } finally {
                none.shutdown(Duration.ZERO);
            }
        }

        @Override
        public void close() {
            store.close();
        }
    }

    /** Through a running server's HTTP API. */
    static final class HttpRuns implements Runs {
        private final String base;
        private final Optional<String> key;
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        HttpRuns(String url, Optional<String> key) {
            this.base = url.replaceAll("/+$", "");
            this.key = key.filter(k -> !k.isBlank());
        }

        private JsonNode call(String method, String path) throws IOException, InterruptedException {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                    .method(method, HttpRequest.BodyPublishers.noBody());
            key.ifPresent(k -> b.header("Authorization", "Bearer " + k));
            HttpResponse<String> response;
            try {
                response = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            } catch (ConnectException e) {
                throw new IOException("cannot connect to the Cadre server at " + base + ": is `cadre serve` running there?");
            }
            if (response.statusCode() == 404) {
                return null;
            }
            if (response.statusCode() == 401) {
                throw new IOException("the server at " + base + " needs a security key: pass --key or set OS_SECURITY_KEY");
            }
            if (response.statusCode() >= 400) {
                throw new IOException("the server at " + base + " answered " + response.statusCode() + ": " + response.body());
            }
            return response.body().isBlank() ? CadreJson.mapper().createObjectNode()
                    : CadreJson.mapper().readTree(response.body());
        }

        @Override
        public List<RunResult> list(Optional<String> session, int limit) throws IOException, InterruptedException {
            List<String> sessions = new ArrayList<>();
            if (session.isPresent()) {
                sessions.add(session.get());
            } else {
                JsonNode page = call("GET", "/sessions?limit=" + limit + "&page=1");
                page.path("data").forEach(s -> sessions.add(s.path("session_id").asText()));
            }
            List<RunResult> out = new ArrayList<>();
            for (String s : sessions) {
                // The session listing is AgentOS's summary of each run (runs in progress included only when
                // asked, member runs beside their team run); the whole run, with its members, comes from /runs/{id}.
                JsonNode runs = call("GET", "/sessions/" + enc(s) + "/runs?include_running=true");
                if (runs != null) {
                    for (JsonNode summary : runs) {
                        if (summary.path("parent_run_id").asText("").isEmpty()) {
                            get(summary.path("run_id").asText()).ifPresent(out::add);
                        }
                    }
                }
            }
            out.sort((a, b) -> b.createdAt().compareTo(a.createdAt()));
            return out;
        }

        @Override
        public Optional<RunResult> get(String runId) throws IOException, InterruptedException {
            return Optional.ofNullable(call("GET", "/runs/" + enc(runId)))
                    .map(n -> CadreJson.mapper().convertValue(n, RunResult.class));
        }

        @Override
        public CancelResult cancel(String runId) throws IOException, InterruptedException {
            JsonNode n = call("POST", "/runs/" + enc(runId) + "/cancel");
            if (n == null) {
                return CancelResult.notFound(runId);
            }
            ObjectNode body = (ObjectNode) n;
            return new CancelResult(runId, CancelResult.Outcome.valueOf(body.path("outcome").asText("NOT_FOUND")),
                    Optional.ofNullable(body.path("status").asText(null)).map(dev.cadre.run.RunStatus::valueOf),
                    body.path("message").asText(""));
        }

        @Override
        public void close() {
            http.close();
        }

        private static String enc(String s) {
            return URLEncoder.encode(s, StandardCharsets.UTF_8);
        }
    }

    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
