package dev.cadre.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The processes of the durable benchmark ({@link DurableBenchNode}s, started with this JVM's java and class path)
 * and the schemas they work in: the store's and DBOS's, fresh for each bench run. {@link #close()} kills every node
 * and drops every schema, whatever happened before.
 */
final class DurableFleet implements AutoCloseable {

    /** How long a node may take to answer one command (a start, thousands of submits) before the bench gives up. */
    static final Duration ANSWER = Duration.ofMinutes(5);

    /** The node's timings, as the node itself and the database see them. */
    record Settings(int workerConcurrency, Duration staleAfter, Duration heartbeat, Duration recoveryInterval,
            Duration queuePolling) {
    }

    final String schema;
    final String dbosSchema;
    private final String baseUrl;
    private final Settings settings;
    private final List<String> jvm;
    private final List<Node> started = new ArrayList<>();
    private final List<String> schemas = new ArrayList<>();

    /** Cleans up when the bench is stopped (Ctrl-C) before {@link #close()} ran. */
    private final Thread onExit = new Thread(this::close, "durable-fleet-cleanup");
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    /** @param jvm the nodes' JVM options (heap, JIT, collector) */
    DurableFleet(String baseUrl, Settings settings, List<String> jvm) throws SQLException {
        String id = UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        this.schema = "cadre_bench_durable_" + id;
        this.dbosSchema = schema + "_dbos";
        this.baseUrl = baseUrl;
        this.settings = settings;
        this.jvm = List.copyOf(jvm);
        schemas.add(dbosSchema); // DBOS creates it when the first node joins; dropped whether it did or not
        Runtime.getRuntime().addShutdownHook(onExit);
        createSchema(schema);
    }

    private void createSchema(String name) throws SQLException {
        schemas.add(name); // dropped on close even if the creation fails half-way
        execute("CREATE SCHEMA " + name);
    }

    /** A schema of its own for a local-mode node (a local store would end a durable node's runs as orphans). */
    String localSchema() throws SQLException {
        String name = schema + "_local";
        createSchema(name);
        return name;
    }

    /** One node: commands on its stdin, answers on its stdout, its stderr in a file kept for a failure message. */
    final class Node {
        final String instanceId;
        private final Process process;
        private final Path log;
        private final BufferedReader in;
        private final PrintWriter out;

        private Node(String instanceId, Process process, Path log) {
            this.instanceId = instanceId;
            this.process = process;
            this.log = log;
            this.in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            this.out = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        }

        /** Sends a command; its answer without the leading {@code OK}. */
        synchronized String ask(String command) throws IOException {
            out.println(command);
            return expect("OK", command);
        }

        /** Waits for the node's next line, which must start with {@code word}. */
        private String expect(String word, String after) throws IOException {
            CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
                try {
                    return in.readLine();
                } catch (IOException e) {
                    return null;
                }
            }, r -> Thread.ofVirtual().start(r));
            String answer;
            try {
                answer = line.get(ANSWER.toSeconds(), TimeUnit.SECONDS);
            } catch (Exception e) {
                answer = null;
            }
            if (answer == null || !(answer.equals(word) || answer.startsWith(word + " "))) {
                throw new IOException("node " + instanceId + " answered " + after + " with " + answer + "; its log:\n"
                        + tail());
            }
            return answer.substring(word.length()).strip();
        }

        /** {@code join}: the node takes work from the queue from now on. */
        void join() throws IOException {
            joinAll(List.of(this));
        }

        /** The numbers a command answers with. */
        long[] numbers(String command) throws IOException {
            return Arrays.stream(ask(command).split(" ")).mapToLong(Long::parseLong).toArray();
        }

        long pid() {
            return process.pid();
        }

        /** CPU time the process has used so far, in nanoseconds (user and system). */
        long cpuNanos() {
            return process.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
        }

        /** {@code kill -9}; waits until the process is gone. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor();
        }

        private String tail() {
            try {
                List<String> lines = Files.readAllLines(log);
                return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
            } catch (IOException e) {
                return "(no log: " + e.getMessage() + ")";
            }
        }
    }

    /** Starts a durable node in this fleet's schemas; it answers once it has its store (see {@link #await}). */
    Node durable(String instanceId) throws IOException {
        return start("durable", schema, instanceId);
    }

    /** Starts a local-mode node in {@code localSchema}: a store and a team, no DurableRuns. */
    Node local(String localSchema, String instanceId) throws IOException {
        return start("local", localSchema, instanceId);
    }

    private Node start(String mode, String storeSchema, String instanceId) throws IOException {
        List<String> options = new ArrayList<>(jvm);
        options.add("--enable-native-access=ALL-UNNAMED");
        List<String> cmd = Bench.javaCommand(options.toArray(String[]::new));
        cmd.addAll(List.of(DurableBenchNode.class.getName(), mode, storeSchema, dbosSchema, instanceId, baseUrl,
                String.valueOf(settings.workerConcurrency()), millis(settings.staleAfter()),
                millis(settings.heartbeat()), millis(settings.recoveryInterval()), millis(settings.queuePolling())));
        Path log = Files.createTempFile("cadre-bench-node-" + instanceId, ".log");
        Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        Node node = new Node(instanceId, p, log);
        started.add(node);
        return node;
    }

    /** Samples of the nanosecond times {@code from} (inclusive) to {@code to} (exclusive) of {@code numbers}. */
    static Samples samples(long[] numbers, int from, int to) {
        Samples s = new Samples(to - from);
        for (int i = from; i < to; i++) {
            s.add(numbers[i]);
        }
        return s;
    }

    /** Has the nodes join at once (each starts its DBOS), then waits until every one has. */
    static void joinAll(List<Node> nodes) throws IOException {
        for (Node n : nodes) {
            synchronized (n) {
                n.out.println("join");
            }
        }
        for (Node n : nodes) {
            synchronized (n) {
                n.expect("READY", "join");
            }
        }
    }

    /** Waits until each node has started (its store opened and migrated): several start at once. */
    static void await(Node... nodes) throws IOException {
        for (Node n : nodes) {
            n.expect("STARTED", "its start");
        }
    }

    private static String millis(Duration d) {
        return String.valueOf(d.toMillis());
    }

    /** Rows of a query with two columns, a text and a number, on a connection of the bench's own. */
    static Map<String, Long> query(String sql) throws SQLException {
        Map<String, Long> out = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection(Databases.postgresUrl()); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getLong(2));
            }
        }
        return out;
    }

    static void execute(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(Databases.postgresUrl()); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** Kills every node, then drops the schemas (DBOS's included). Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(onExit);
        } catch (IllegalStateException e) {
            // the JVM is exiting: this is the hook
        }
        for (Node n : started) {
            n.process.destroyForcibly();
        }
        for (Node n : started) {
            try {
                n.process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try {
                Files.deleteIfExists(n.log);
            } catch (IOException e) {
                // a temp file left behind is harmless
            }
        }
        for (String s : schemas) {
            try {
                execute("DROP SCHEMA IF EXISTS " + s + " CASCADE");
            } catch (SQLException e) {
                System.err.println("could not drop schema " + s + ": " + e.getMessage());
            }
        }
    }
}
