package dev.cadre.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./cadre} launcher at the repository root: it finds a JDK 21+ by itself even when the
 * default {@code java} is older, and on a fresh clone it builds what it needs, then runs, and records its
 * start-up cache once.
 */
class LauncherTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    record Result(int exit, String out, String err) {
    }

    private static Result run(Path dir, Map<String, String> env, long timeoutSeconds, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("bash", "-c", "exec ./cadre \"$@\"", "cadre"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.directory(dir.toFile());
        pb.environment().remove("JAVA_HOME");
        // only the system's default java (17 on this machine) on the PATH
        pb.environment().put("PATH", "/usr/local/bin:/usr/bin:/bin");
        // The fresh clone's Maven build with the quick JIT compiler: a few minutes of a busy CI machine's cores
        // that C2 would spend compiling Maven itself (the build and what it builds are the same either way).
        pb.environment().put("MAVEN_OPTS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
        pb.environment().putAll(env);
        Path out = Files.createTempFile("launcher", ".out");
        Path err = Files.createTempFile("launcher", ".err");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("./cadre " + String.join(" ", args) + " did not end in " + timeoutSeconds + " s");
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static int majorOf(String javaBin) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(javaBin, "-XshowSettings:properties", "-version").redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return text.lines().filter(l -> l.contains("java.specification.version")).findFirst()
                .map(l -> Integer.parseInt(l.substring(l.indexOf('=') + 1).trim())).orElse(0);
    }

    @Test
    void findsAJdk21OrNewerOnItsOwn() throws Exception {
        Result r = run(ROOT, Map.of("CADRE_PRINT_JAVA", "1"), 60);

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(majorOf(r.out().strip())).isGreaterThanOrEqualTo(21);
    }

    @Test
    void aJavaHomeThatIsTooOldIsPassedOver() throws Exception {
        Path old = Path.of("/usr/lib/jvm/java-17-openjdk-amd64");
        Assumptions.assumeTrue(Files.isExecutable(old.resolve("bin/java")), "no JDK 17 here to point JAVA_HOME at");

        Result r = run(ROOT, Map.of("CADRE_PRINT_JAVA", "1", "JAVA_HOME", old.toString()), 60);

        assertThat(majorOf(r.out().strip())).isGreaterThanOrEqualTo(21);
    }

    @Test
    void aFreshCloneBuildsOnFirstUseThenRuns(@TempDir Path dir) throws Exception {
        Process clone = new ProcessBuilder("git", "clone", "-q", ROOT.toString(), dir.resolve("cadre").toString())
                .redirectErrorStream(true).start();
        String cloneOut = new String(clone.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (clone.waitFor() != 0) {
            throw new AssertionError("git clone of " + ROOT + " failed: " + cloneOut);
        }
        Path fresh = dir.resolve("cadre");

        Result first = run(fresh, Map.of(), 600, "--version");
        // the whole job, from the built jar: everything the demo needs at run time is packed in it. Without the
        // start-up cache: recording it is a minute of CPU that would only make this check slower, and a cache
        // that cannot be recorded never stops a command (the launcher runs it without).
        Result demo = run(fresh, Map.of("CADRE_AOT", "off"), 180, "demo", "--offline", "--fast", "--db",
                "sqlite:" + dir.resolve("demo.db"));

        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.err()).contains("Building Cadre");
        assertThat(first.out()).contains("cadre 0.1.0");
        assertThat(demo.err()).as("no second build").doesNotContain("Building Cadre");
        assertThat(demo.err()).as("no cache recorded when switched off").doesNotContain("start-up cache");
        assertThat(demo.exit()).as(demo.out() + demo.err()).isZero();
        assertThat(demo.out()).startsWith("Models: offline.").contains("✓ Both scenarios behaved as the seeds expect.");

        startUpCacheIsRecordedOnceThenUsed(fresh, "sqlite:" + dir.resolve("demo.db"));
    }

    /** On the fresh clone's jar (a second clone would build again): JDK 25+ only, as the launcher. */
    private static void startUpCacheIsRecordedOnceThenUsed(Path fresh, String db) throws Exception {
        String java = run(fresh, Map.of("CADRE_PRINT_JAVA", "1"), 60).out().strip();
        Assumptions.assumeTrue(majorOf(java) >= 25, "the AOT cache needs JDK 25; the launcher found " + java);
        // The user's JVM options come after Cadre's, so this turns the cache's log (off by default) back on.
        Map<String, String> aotLog = Map.of("CADRE_JAVA_OPTS", "-Xlog:aot=info:stderr");

        Result recording = run(fresh, Map.of(), 300, "runs", "list", "--db", db);
        Result using = run(fresh, aotLog, 60, "runs", "list", "--db", db);

        assertThat(recording.exit()).as(recording.err()).isZero();
        assertThat(recording.err()).contains("Preparing Cadre's start-up cache");
        try (var files = Files.list(fresh.resolve("cadre-cli/target/cache"))) {
            assertThat(files.map(f -> f.getFileName().toString())).anyMatch(n -> n.endsWith(".aot"))
                    .noneMatch(n -> n.endsWith(".failed") || n.endsWith(".tmp"));
        }
        assertThat(using.exit()).as(using.err()).isZero();
        assertThat(using.err()).doesNotContain("Preparing").contains("Opened AOT cache");
        assertThat(using.out()).isEqualTo(recording.out());
    }
}
