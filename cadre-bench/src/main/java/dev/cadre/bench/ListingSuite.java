package dev.cadre.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cadre.Agent;
import dev.cadre.RunManager;
import dev.cadre.Team;
import dev.cadre.model.Model;
import dev.cadre.openai.OpenAIChat;
import dev.cadre.server.CadreServer;
import dev.cadre.db.Page;
import dev.cadre.db.SessionQuery;
import dev.cadre.db.SessionRecord;
import dev.cadre.db.Db;
import dev.cadre.testkit.FakeOpenAIServer;
import java.net.http.HttpRequest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * 6. Session listing with 10 000 stored sessions, each holding a completed, delegated team run of a
 * few KB, half of them without a name (a listing then shows the first run's input). Measured:
 *
 * <ul>
 *   <li>(a) {@code store.listSessions} for pages of 20 and 1000, the first page and the last full one;
 *   <li>(b) {@code GET /sessions?limit=20} and {@code ?limit=1000} through a real {@link CadreServer},
 *       from an HTTP client, one request at a time;
 *   <li>(c) {@code GET /health} while 50 clients send {@code GET /sessions?limit=20} back to back:
 *       listings answered per second, timeouts and errors, and the monitor's latency.
 * </ul>
 *
 * <p>The floor is the database's own cost of the page: a bare {@code SELECT * ... ORDER BY created_at
 * DESC LIMIT n OFFSET k} of the session table through plain JDBC on the same database, every column
 * read; for the load, how many of those the store's number of connections serve per second. Every
 * page read is checked: the right sessions in order, the right total, and over HTTP a non-empty name
 * that is the session's name or, for an unnamed one, its first input.
 */
final class ListingSuite implements Suite {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String name() {
        return "listing";
    }

    @Override
    public String title() {
        return "6. Session listing over 10 000 stored sessions: store, GET /sessions, /health under load";
    }

    @Override
    public List<Result> run(Config c) throws Exception {
        return Databases.onEach(c, db -> measure(c, db));
    }

    /** One page of the listing. */
    private record PageAt(int limit, int page) {
        int offset() {
            return (page - 1) * limit;
        }

        int expected(int sessions) {
            return Math.max(0, Math.min(limit, sessions - offset()));
        }

        String label() {
            return "limit " + limit + ", page " + page;
        }
    }

    private List<Result> measure(Config c, Databases.Database db) throws Exception {
        String d = db.name();
        Bench.ENV.put(d, db.version());
        int n = c.listingSessions();
        double budget = c.listingBudgetSeconds();
        ListingData.Populated data = ListingData.populate(db.db(), n, db.readConnections());
        db.settle();
        System.gc(); // the population's garbage is not the listing's to collect
        long[] bytes = ListingData.runJsonBytes();
        Bench.ENV.put("listing: " + d + " data", String.format(Locale.ROOT, "%d sessions (%d named, the rest listed"
                + " by their first input), %d runs (%.1f KB of JSON per team run, %.1f KB per member run),"
                + " written through the Db API in %.1f s", n, data.named(), data.runs(), bytes[0] / 1024.0,
                bytes[1] / 1024.0, data.seconds()));

        LinkedHashSet<PageAt> pages = new LinkedHashSet<>(List.of(new PageAt(20, 1),
                new PageAt(20, Math.max(1, n / 20)), new PageAt(1000, 1), new PageAt(1000, Math.max(1, n / 1000))));
        Map<PageAt, Samples> floors = new LinkedHashMap<>();
        List<Result> out = new ArrayList<>();
        String floorName = "bare SELECT of the page (JDBC)";
        String note = n + " sessions, half unnamed";
        for (PageAt p : pages) {
            int samples = p.limit() > 20 ? c.listingBigSamples() : c.listingSamples();
            Samples floor = bareSelect(db, p, n, samples, budget);
            floors.put(p, floor);
            Samples store = timed(samples, budget,
                    () -> db.db().listSessions(SessionQuery.all().withPage(p.page(), p.limit())),
                    page -> checkStorePage(page, p, data));
            out.add(line(d + ": listSessions " + p.label() + ", p50", store.p50Millis(), floor.p50Millis(),
                    floorName + ", p50", store.size(), note));
            out.add(line(d + ": listSessions " + p.label() + ", p99", store.p99Millis(), floor.p99Millis(),
                    floorName + ", p99", store.size(), ""));
        }

        try (FakeOpenAIServer openai = FakeOpenAIServer.start()) {
            CadreServer server = startServer(db.db(), openai.baseUrl());
            try (ListingHttp http = new ListingHttp(server.baseUrl())) {
                HttpRequest health = http.request("/health", ListingHttp.PROBE_TIMEOUT);
                // The HTTP path is cold in a fresh JVM: unwarmed, the first database would pay for the JIT
                // that the second gets for free.
                timed(c.listingSamples() * 5, budget / 3, () -> http.get(health), body -> { });
                timed(c.listingSamples(), budget / 3,
                        () -> http.get(http.request("/sessions?limit=20", Duration.ofMinutes(2))), body -> { });
                Samples healthIdle = timed(c.listingSamples(), budget, () -> http.get(health), body -> { });
                for (int limit : new int[] {20, 1000}) {
                    PageAt p = new PageAt(limit, 1);
                    HttpRequest get = http.request("/sessions?limit=" + limit, Duration.ofMinutes(2));
                    Samples got = timed(limit > 20 ? c.listingBigSamples() : c.listingSamples(), budget,
                            () -> http.get(get), body -> checkHttpPage(body, p, data));
                    Samples floor = floors.get(p);
                    out.add(line(d + ": GET /sessions?limit=" + limit + ", p50", got.p50Millis(), floor.p50Millis(),
                            floorName + ", p50", got.size(), String.format(Locale.ROOT,
                                    "one client, JSON included; GET /health idle p50 = %.2f ms",
                                    healthIdle.p50Millis())));
                    out.add(line(d + ": GET /sessions?limit=" + limit + ", p99", got.p99Millis(), floor.p99Millis(),
                            floorName + ", p99", got.size(), ""));
                }
                PageAt loaded = new PageAt(20, 1);
                int connections = db.readConnections();
                double floorRate = bareSelectRate(db, loaded, n, connections, Math.min(5, c.listingLoadSeconds()));
                ListingHttp.Load load = http.load("/sessions?limit=20", c.listingClients(), c.listingLoadSeconds());
                out.addAll(loadLines(d, c.listingClients(), load, floorRate, connections, floors.get(loaded),
                        healthIdle));
            } finally {
                server.stop(Duration.ofSeconds(5));
            }
        }
        return out;
    }

    /** A server on a free port with the team whose sessions were stored; its model is never called. */
    static CadreServer startServer(Db store, String modelBaseUrl) {
        Model model = OpenAIChat.builder().id("gpt-4o-mini").apiKey("sk-test").baseUrl(modelBaseUrl).build();
        RunManager rm = RunManager.builder().build(); // the server shuts it down when it stops
        Team team = Team.builder().id(ListingData.TEAM_ID).name(ListingData.TEAM_NAME).model(model)
                .members(Agent.builder().id(ListingData.MEMBER_ID).name(ListingData.MEMBER_NAME)
                        .role("Research topics and provide factual information.").build())
                .db(store).runManager(rm).build();
        return CadreServer.builder().teams(team).db(store).runManager(rm).port(0).build().start();
    }

    private List<Result> loadLines(String d, int clients, ListingHttp.Load load, double floorRate, int connections,
            Samples floor, Samples healthIdle) {
        String under = d + ": GET /sessions?limit=20, " + clients + " clients";
        String during = d + ": GET /health during that load";
        long timeoutSeconds = ListingHttp.LOAD_TIMEOUT.toSeconds();
        String failures = load.healthFailures() == 0 ? "every probe answered"
                : load.healthFailures() + " probes failed";
        return List.of(
                line(under + ": answered", load.rate(), floorRate, "bare SELECTs of the page, " + connections
                        + " connection(s)", "req/s", load.requests(), String.format(Locale.ROOT,
                        "200 within %d s, over %.1f s", timeoutSeconds, load.seconds())),
                line(under + ": latency p99", load.listing().p99Millis(), floor.p99Millis(),
                        "bare SELECT of the page (JDBC), p99", load.listing().size(), "answered requests"),
                Result.of(name(), under + ": timeouts", load.timeouts(), Double.NaN, "–", "requests",
                        load.requests(), "no answer within " + timeoutSeconds + " s"),
                Result.of(name(), under + ": errors", load.errors(), Double.NaN, "–", "requests", load.requests(),
                        "non-200 answers and I/O errors"),
                line(during + ", p50", load.health().p50Millis(), healthIdle.p50Millis(), "GET /health idle, p50",
                        load.health().size(), "a monitor on its own connection, every 50 ms; " + failures),
                line(during + ", p99", load.health().p99Millis(), healthIdle.p99Millis(), "GET /health idle, p99",
                        load.health().size(), ""));
    }

    private Result line(String benchmark, double value, double floor, String floorName, long samples, String note) {
        return line(benchmark, value, floor, floorName, "ms", samples, note);
    }

    private Result line(String benchmark, double value, double floor, String floorName, String unit, long samples,
            String note) {
        return Result.of(name(), benchmark, value, floor, floorName, unit, samples, note);
    }

    // ---- the floor -----------------------------------------------------------------------------

    /**
     * {@code SELECT *} so that whatever the session row holds for a listing (now or after a schema
     * change) is read by the floor too; prepared once, which a store cannot always count on.
     */
    private static String pageSql(Databases.Database db) {
        return "select * from " + db.sessionTable() + " order by created_at desc, session_id limit ? offset ?";
    }

    private static Samples bareSelect(Databases.Database db, PageAt p, int sessions, int samples, double budget)
            throws Exception {
        try (Connection c = db.reader(); PreparedStatement ps = c.prepareStatement(pageSql(db))) {
            return timed(samples, budget, () -> readPage(ps, p), rows -> expect(rows == p.expected(sessions),
                    "the bare SELECT read " + rows + " rows of " + p.label()));
        }
    }

    /** Pages read per second by {@code threads} connections at once, for {@code seconds}. */
    private static double bareSelectRate(Databases.Database db, PageAt p, int sessions, int threads, double seconds)
            throws Exception {
        AtomicLong reads = new AtomicLong();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Thread> workers = new ArrayList<>();
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        for (int t = 0; t < threads; t++) {
            workers.add(Thread.ofPlatform().start(() -> {
                try (Connection c = db.reader(); PreparedStatement ps = c.prepareStatement(pageSql(db))) {
                    while (System.nanoTime() < end) {
                        int rows = readPage(ps, p);
                        expect(rows == p.expected(sessions), "the bare SELECT read " + rows + " rows");
                        reads.incrementAndGet();
                    }
                } catch (Exception | AssertionError e) {
                    failures.add(e);
                }
            }));
        }
        for (Thread w : workers) {
            w.join();
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("a floor connection failed: " + failures.get(0), failures.get(0));
        }
        return reads.get() / ((System.nanoTime() - start) / 1e9);
    }

    /** Reads every column of every row of one page; returns the rows read. */
    private static int readPage(PreparedStatement ps, PageAt p) throws Exception {
        ps.setInt(1, p.limit());
        ps.setInt(2, p.offset());
        int rows = 0;
        try (ResultSet rs = ps.executeQuery()) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                for (int i = 1; i <= columns; i++) {
                    rs.getObject(i);
                }
                rows++;
            }
        }
        return rows;
    }

    // ---- timing and checks -----------------------------------------------------------------------

    interface Call<T> {
        T call() throws Exception;
    }

    interface Check<T> {
        void check(T value) throws Exception;
    }

    /**
     * Times {@code call} {@code samples} times after a warm-up, checking each result outside the
     * timed part. A slow call stops after {@code budgetSeconds} (warm-up included) with at least 5
     * samples, so a listing that takes seconds still finishes; the report shows how many were taken.
     */
    static <T> Samples timed(int samples, double budgetSeconds, Call<T> call, Check<T> check) throws Exception {
        long deadline = System.nanoTime() + (long) (budgetSeconds * 1e9);
        int warmups = Math.max(2, samples / 10);
        for (int i = 0; i < warmups && (i < 2 || System.nanoTime() < deadline); i++) {
            check.check(call.call());
        }
        Samples s = new Samples(samples);
        while (s.size() < samples && (s.size() < 5 || System.nanoTime() < deadline)) {
            long t = System.nanoTime();
            T value = call.call();
            s.add(System.nanoTime() - t);
            check.check(value);
        }
        return s;
    }

    private static void checkStorePage(Page<SessionRecord> page, PageAt p, ListingData.Populated data) {
        List<String> expected = expectedIds(p, data);
        List<String> got = page.items().stream().map(SessionRecord::sessionId).toList();
        expect(got.equals(expected), "listSessions(" + p.label() + ") returned " + got.size() + " sessions, not the "
                + expected.size() + " expected, newest first");
        expect(page.total() == data.sessions(), "listSessions said total " + page.total());
    }

    /** The right sessions in order, each with a non-empty name: its own, or its first run's input. */
    private static void checkHttpPage(byte[] body, PageAt p, ListingData.Populated data) throws Exception {
        JsonNode json = JSON.readTree(body);
        List<String> expected = expectedIds(p, data);
        JsonNode items = json.path("data");
        expect(items.size() == expected.size(), "GET /sessions?limit=" + p.limit() + " returned " + items.size()
                + " sessions, expected " + expected.size());
        for (int i = 0; i < items.size(); i++) {
            String id = items.get(i).path("session_id").asText();
            String shown = items.get(i).path("session_name").asText("");
            expect(id.equals(expected.get(i)), "session " + i + " of the page is " + id + ", expected "
                    + expected.get(i));
            String wanted = data.displayNames().get(id);
            // A listing may shorten a long first input; what it shows must still be where that input starts.
            String stem = shown.endsWith("…") ? shown.substring(0, shown.length() - 1)
                    : shown.endsWith("...") ? shown.substring(0, shown.length() - 3) : shown;
            expect(!stem.isBlank() && (shown.equals(wanted) || wanted.startsWith(stem)),
                    "session " + id + " is listed as '" + shown + "', expected '" + wanted + "'");
        }
        expect(json.path("meta").path("total_count").asLong() == data.sessions(),
                "GET /sessions said total_count " + json.path("meta").path("total_count"));
    }

    private static List<String> expectedIds(PageAt p, ListingData.Populated data) {
        int from = Math.min(p.offset(), data.sessions());
        return data.newestFirst().subList(from, from + p.expected(data.sessions()));
    }

    private static void expect(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }
}
