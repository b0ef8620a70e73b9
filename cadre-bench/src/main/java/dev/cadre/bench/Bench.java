package dev.cadre.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs the benchmarks and prints the table.
 *
 * <pre>
 *   Bench                    quick mode (a few minutes on 2 cores)
 *   Bench --full             the numbers to publish
 *   Bench --only=cancel,...  some of: instantiation, overhead, cancel, background, concurrency, listing, startup,
 *                            durable
 *   Bench --in-process       no JVM per benchmark (used by the smoke test)
 *   Bench --compare[=file]   then the change of each line against a baseline (default: baseline.json)
 * </pre>
 *
 * <p>Each benchmark runs in a fresh JVM with a fixed heap, so that one benchmark's garbage, JIT
 * state and threads do not leak into the next one's numbers, and heap measurements start clean.
 */
public final class Bench {

    /** Heap of each benchmark JVM: fixed (-Xms = -Xmx) so that heap sizing does not move the numbers. */
    static final String HEAP = "4g";

    /** What a benchmark learned about its environment (database versions, limits), for the report. */
    static final Map<String, String> ENV = new ConcurrentHashMap<>();

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = parse(args);
        if (opts.containsKey("fake-server")) {
            FakeServerProcess.serve(opts.get("fake-server"));
            return;
        }
        Config config = Config.named(opts.containsKey("full") ? "full" : opts.getOrDefault("mode",
                opts.containsKey("smoke") ? "smoke" : "quick"));
        if (opts.containsKey("child")) {
            Report.SuiteReport r = runSuite(Suite.named(opts.get("child")), config);
            Report.JSON.writeValue(Path.of(opts.get("out")).toFile(), r);
            System.exit(0); // do not wait for the non-daemon threads of the libraries under test
        }
        Report report = run(config, opts.containsKey("only") ? Arrays.asList(opts.get("only").split(","))
                : Suite.all().stream().map(Suite::name).toList(), !opts.containsKey("in-process"));
        System.out.println();
        System.out.println(report.table());
        report.machine().forEach((k, v) -> System.out.println(k + ": " + v));
        report.environment().forEach((k, v) -> System.out.println(k + ": " + v));
        Path dir = Path.of(opts.getOrDefault("out-dir", "target"));
        report.write(dir);
        System.out.printf("%nmode %s, %.0f s; results in %s%n", config.mode(), report.seconds(),
                dir.resolve("bench-results.{json,md}"));
        if (opts.containsKey("compare")) {
            Path baseline = baselineFile(opts.get("compare"));
            Comparison c = Comparison.of(baseline, report);
            System.out.println();
            System.out.println(c.markdown());
            Files.writeString(dir.resolve("bench-compare.md"), c.markdown());
            System.out.printf("compared with %s; written to %s%n", baseline, dir.resolve("bench-compare.md"));
        }
        System.exit(report.suites().stream().anyMatch(s -> s.failure() != null) ? 1 : 0);
    }

    /** Runs the named suites, each in a JVM of its own unless {@code fork} is false. */
    static Report run(Config config, List<String> names, boolean fork) throws Exception {
        String started = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        long t0 = System.nanoTime();
        List<Report.SuiteReport> reports = new ArrayList<>();
        for (String name : names) {
            Suite suite = Suite.named(name.trim());
            System.out.printf("== %s (%s mode)%n", suite.title(), config.mode());
            Report.SuiteReport r = fork ? runForked(suite, config) : runSuite(suite, config);
            System.out.printf("   done in %.0f s%n", r.seconds());
            reports.add(r);
        }
        return Report.of(config.mode(), started, (System.nanoTime() - t0) / 1e9, Machine.describe(), reports);
    }

    static Report.SuiteReport runSuite(Suite suite, Config config) {
        long t0 = System.nanoTime();
        ENV.clear();
        try {
            List<Result> results = suite.run(config);
            return new Report.SuiteReport(suite.name(), suite.title(), (System.nanoTime() - t0) / 1e9,
                    new LinkedHashMap<>(ENV), results, null);
        } catch (Exception | Error e) {
            e.printStackTrace();
            return new Report.SuiteReport(suite.name(), suite.title(), (System.nanoTime() - t0) / 1e9,
                    new LinkedHashMap<>(ENV), List.of(), e.toString());
        }
    }

    private static Report.SuiteReport runForked(Suite suite, Config config) throws Exception {
        Path out = Files.createTempFile("cadre-bench-" + suite.name(), ".json");
        try {
            List<String> cmd = javaCommand(suite.jvmFlags().toArray(String[]::new));
            cmd.addAll(List.of(Bench.class.getName(), "--child=" + suite.name(), "--mode=" + config.mode(),
                    "--out=" + out));
            int code = new ProcessBuilder(cmd).inheritIO().start().waitFor();
            if (code != 0 || Files.size(out) == 0) {
                return new Report.SuiteReport(suite.name(), suite.title(), 0, Map.of(), List.of(),
                        "benchmark JVM exited with " + code);
            }
            return Report.JSON.readValue(out.toFile(), Report.SuiteReport.class);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /**
     * The baseline to compare with: the file given, else the committed {@code baseline.json} of this module (found
     * from the module's directory, where Maven runs the bench, or from the repository's root).
     */
    static Path baselineFile(String given) {
        if (!given.isEmpty()) {
            return Path.of(given);
        }
        Path here = Path.of("baseline.json");
        return Files.exists(here) ? here : Path.of("cadre-bench", "baseline.json");
    }

    /** The command line that starts another JVM like this one: same java, same class path. */
    static List<String> javaCommand(String... jvmArgs) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java));
        cmd.addAll(Arrays.asList(jvmArgs));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path")));
        return cmd;
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> opts = new LinkedHashMap<>();
        for (String a : args) {
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unknown argument " + a
                        + " (use --full, --only=a,b, --in-process, --out-dir=dir, --compare[=baseline.json])");
            }
            int eq = a.indexOf('=');
            opts.put(eq < 0 ? a.substring(2) : a.substring(2, eq), eq < 0 ? "" : a.substring(eq + 1));
        }
        return opts;
    }
}
