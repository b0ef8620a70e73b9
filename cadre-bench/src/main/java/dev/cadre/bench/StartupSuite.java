package dev.cadre.bench;

import dev.cadre.testkit.FakeOpenAIServer;
import dev.cadre.testkit.RecordedRequest;
import dev.cadre.testkit.Reply;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark 7: how long the {@code cadre} command takes to start, through the {@code ./cadre} launcher at the
 * repository root, as a user runs it: {@code cadre --version} to its exit, and {@code cadre run} from launch to
 * its first model request arriving at the fake server (a thread of this JVM, so that launch and arrival are
 * read from one clock), with and without the launcher's AOT cache. The floor: a JVM of the same JDK that
 * starts and exits at once ({@code java -version}, and a hello-world class with and without an AOT cache of
 * its own), measured in the same run.
 */
final class StartupSuite implements Suite {

    @Override
    public String name() {
        return "startup";
    }

    @Override
    public String title() {
        return "Start-up of the cadre command: --version, and launch → first model request";
    }

    /** A JVM that starts and exits: the floor of any Java command. */
    public static final class Hello {
        public static void main(String[] args) {
            System.out.println("hello");
        }
    }

    @Override
    public List<Result> run(Config config) throws Exception {
        int reps = switch (config.mode()) {
            case "smoke" -> 1;
            case "quick" -> 9;
            default -> 21;
        };
        // Recording the AOT cache takes a minute; the smoke test only checks that the lines come out.
        boolean aot = !config.mode().equals("smoke");
        Path root = repositoryRoot();
        Path dir = Files.createTempDirectory("cadre-bench-startup");
        try (FakeOpenAIServer fake = FakeOpenAIServer.start()) {
            fake.dispatcher(r -> Reply.text("Ready."));
            Path configFile = dir.resolve("cadre.yaml");
            Files.writeString(configFile, """
                    db: sqlite:%s
                    models:
                      default: {provider: openai-chat, id: gpt-4o, base_url: %s, api_key: sk-bench}
                    agents:
                      - {id: a, name: A, model: default, role: Answers.}
                    """.formatted(dir.resolve("cadre.db"), fake.baseUrl()));
            Launcher cadre = new Launcher(root, fake, configFile);
            String java = cadre.javaOfLauncher();
            Bench.ENV.put("startup: java", java);
            Bench.ENV.put("startup: cadre.jar", String.format("%.1f MB", Files.size(cadre.jar()) / 1e6));

            // Untimed first runs: the launcher builds the jar if it must, and records its AOT cache once.
            cadre.firstRequest(Map.of("CADRE_AOT", "off"));
            if (aot) {
                cadre.firstRequest(Map.of());
            }
            Path helloAot = dir.resolve("hello.aot");
            List<String> hello = List.of(java, "-cp", helloJar(dir).toString(), Hello.class.getName());
            if (aot) {
                List<String> train = new ArrayList<>(hello);
                train.add(1, "-XX:AOTCacheOutput=" + helloAot);
                exitTime(train, root, Map.of());
            }
            List<String> helloWithAot = new ArrayList<>(hello);
            helloWithAot.add(1, "-XX:AOTCache=" + helloAot);

            // Interleaved, so that a busy moment of the machine falls on every variant alike.
            Samples javaVersion = new Samples(reps);
            Samples helloPlain = new Samples(reps);
            Samples helloCached = new Samples(reps);
            Samples version = new Samples(reps);
            Samples runPlain = new Samples(reps);
            Samples runCached = new Samples(reps);
            for (int i = 0; i < reps; i++) {
                javaVersion.add(exitTime(List.of(java, "-version"), root, Map.of()));
                helloPlain.add(exitTime(hello, root, Map.of()));
                version.add(exitTime(List.of(root.resolve("cadre").toString(), "--version"), root, Map.of()));
                runPlain.add(cadre.firstRequest(Map.of("CADRE_AOT", "off")));
                if (aot) {
                    helloCached.add(exitTime(helloWithAot, root, Map.of()));
                    runCached.add(cadre.firstRequest(Map.of()));
                }
            }
            List<Result> results = new ArrayList<>();
            String runNote = "cadre run --agent, SQLite, chat API; until the fake server has the request";
            lines(results, "cadre --version → exit", version, javaVersion, "java -version, same JDK",
                    "through ./cadre (launcher included)");
            if (aot) {
                lines(results, "cadre run: launch → first model request, AOT cache", runCached, helloCached,
                        "hello-world JVM with its own AOT cache", runNote);
            }
            lines(results, "cadre run: launch → first model request, CADRE_AOT=off", runPlain, helloPlain,
                    "hello-world JVM, no AOT cache", runNote);
            return results;
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private void lines(List<Result> results, String what, Samples cadre, Samples floor, String floorName, String note) {
        results.add(Result.of(name(), what + ", p50", cadre.p50Millis(), floor.p50Millis(), floorName + ", p50",
                "ms", cadre.size(), note));
        results.add(Result.of(name(), what + ", p90", cadre.percentile(90) / 1e6, floor.percentile(90) / 1e6,
                floorName + ", p90", "ms", cadre.size(), ""));
    }

    /** A jar with the hello-world class alone: an AOT cache takes jars only, and a small class path is the floor. */
    private static Path helloJar(Path dir) throws IOException {
        Path jar = dir.resolve("hello.jar");
        String entry = Hello.class.getName().replace('.', '/') + ".class";
        try (var in = Hello.class.getClassLoader().getResourceAsStream(entry);
                var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new java.util.jar.JarEntry(entry));
            in.transferTo(out);
            out.closeEntry();
        }
        return jar;
    }

    /** Nanoseconds from just before the process is started to its exit; it must exit 0. */
    static long exitTime(List<String> command, Path dir, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        long t0 = System.nanoTime();
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        int code = waitFor(p, command);
        long t1 = System.nanoTime();
        if (code != 0) {
            String text = new String(out, StandardCharsets.UTF_8);
            throw new IllegalStateException(command.get(0) + " … " + command.get(command.size() - 1) + " exited with "
                    + code + ": " + text.substring(Math.max(0, text.length() - 2000)));
        }
        return t1 - t0;
    }

    private static int waitFor(Process p, List<String> command) throws InterruptedException {
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not end in 10 minutes");
        }
        return p.exitValue();
    }

    /** The repository root: the first directory upwards from here with the {@code cadre} launcher in it. */
    static Path repositoryRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("cadre")) && Files.isDirectory(p.resolve("cadre-cli"))) {
                return p;
            }
        }
        throw new IllegalStateException("no ./cadre launcher above " + Path.of("").toAbsolutePath());
    }

    /** {@code ./cadre run} against the fake server. */
    private record Launcher(Path root, FakeOpenAIServer fake, Path config) {

        Path jar() {
            return root.resolve("cadre-cli/target/cadre.jar");
        }

        String javaOfLauncher() throws IOException, InterruptedException {
            ProcessBuilder pb = new ProcessBuilder(root.resolve("cadre").toString()).directory(root.toFile());
            pb.environment().put("CADRE_PRINT_JAVA", "1");
            Process p = pb.redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String java = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.waitFor() != 0 || java.isEmpty()) {
                throw new IllegalStateException("./cadre found no JDK");
            }
            return java;
        }

        /** Nanoseconds from launch to the first model request of one {@code cadre run}, which must complete. */
        long firstRequest(Map<String, String> env) throws Exception {
            int before = fake.requestCount();
            List<String> command = List.of(root.resolve("cadre").toString(), "run", "-c", config.toString(),
                    "--agent", "a", "Are you ready?");
            ProcessBuilder pb = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true);
            pb.environment().putAll(env);
            long t0 = System.nanoTime();
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int code = waitFor(p, command);
            if (code != 0 || !out.contains("Ready.")) {
                throw new IllegalStateException("cadre run exited with " + code + ": " + out);
            }
            RecordedRequest first = fake.awaitRequests(before + 1, Duration.ofSeconds(10)).get(before);
            return first.receivedAtNanos() - t0;
        }
    }
}
