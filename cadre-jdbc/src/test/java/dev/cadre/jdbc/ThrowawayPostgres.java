package dev.cadre.jdbc;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A PostgreSQL cluster of a test's own, made with Debian's {@code pg_createcluster} on a free port,
 * that the test may stop and start to play a database outage — the shared server at 5432 is never
 * touched. Made without durability (no fsync), as only its being up or down matters. {@link #close()}
 * removes it.
 *
 * <p>Where the cluster tools are missing the test is skipped with a message, except in CI (environment
 * variable {@code CI} set), where it fails. Shared with other modules' tests through this module's test
 * jar.
 */
public final class ThrowawayPostgres implements AutoCloseable {

    private final String version;
    private final String name;
    private final int port;
    private boolean dropped;

    private ThrowawayPostgres(String version, String name, int port) {
        this.version = version;
        this.name = name;
        this.port = port;
    }

    /** Creates and starts a new cluster (a few seconds). */
    public static ThrowawayPostgres start() {
        Path etc = Path.of("/etc/postgresql");
        if (!Files.isDirectory(etc) || !Files.isExecutable(Path.of("/usr/bin/pg_createcluster"))) {
            unavailable("Debian's PostgreSQL cluster tools (pg_createcluster) are not installed");
        }
        String version;
        try (var versions = Files.list(etc)) {
            version = versions.map(p -> p.getFileName().toString()).sorted().reduce((a, b) -> b).orElse(null);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        if (version == null) {
            unavailable("no PostgreSQL version under /etc/postgresql");
        }
        String name = "cadre_test_" + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
        int port = freePort();
        ThrowawayPostgres pg = new ThrowawayPostgres(version, name, port);
        run("pg_createcluster", version, name, "-p", Integer.toString(port), "-o", "fsync=off",
                "-o", "full_page_writes=off",
                "--", "--auth=trust", "--no-sync");
        try {
            pg.up();
        } catch (RuntimeException e) {
            pg.close();
            throw e;
        }
        return pg;
    }

    public int port() {
        return port;
    }

    /** A JDBC URL of its {@code postgres} database, as user {@code postgres}. */
    public String url() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres";
    }

    /** Starts the server (again). Returns once it accepts connections. */
    public void up() {
        run("pg_ctlcluster", "--skip-systemctl-redirect", version, name, "start");
    }

    /** Stops the server at once, as a crash or an outage would: connections are cut. */
    public void down() {
        run("pg_ctlcluster", "--skip-systemctl-redirect", version, name, "stop", "-m", "immediate");
    }

    @Override
    public synchronized void close() {
        if (dropped) {
            return;
        }
        dropped = true;
        run("pg_dropcluster", "--stop", version, name);
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("No free port for a test cluster", e);
        }
    }

    private static void run(String... command) {
        List<String> cmd = new ArrayList<>(List.of(command));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + " did not finish");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed (" + p.exitValue() + "): "
                        + new String(out, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            unavailable("cannot run " + cmd.getFirst() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void unavailable(String why) {
        String message = "A throwaway PostgreSQL cluster cannot be made here: " + why
                + " (install postgresql, which provides pg_createcluster); in CI this test fails instead of skipping";
        String ci = System.getenv("CI");
        if (ci != null && !ci.isBlank()) {
            fail(message);
        }
        Assumptions.abort(message);
    }
}
