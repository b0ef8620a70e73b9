package dev.cadre.durable;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** {@link DurableNode} processes started by a test; each is killed when the test ends. */
final class Nodes implements AutoCloseable {

    private final List<Node> started = new ArrayList<>();
    private final java.util.Set<String> schemas = new java.util.LinkedHashSet<>();

    /** One process: its stdout lines as they come, its stderr in a file for the failure message. */
    static final class Node {
        final Process process;
        final Path log;
        private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();

        Node(Process process, Path log) {
            this.process = process;
            this.log = log;
            Thread.ofVirtual().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        lines.add(line);
                    }
                } catch (IOException e) {
                    // the process is gone
                }
            });
        }

        /** The next line starting with {@code prefix} (earlier lines are skipped). */
        String awaitLine(String prefix, Duration timeout) throws InterruptedException, IOException {
            long deadline = System.nanoTime() + timeout.toNanos();
            List<String> skipped = new ArrayList<>();
            while (true) {
                String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null) {
                    throw new AssertionError("the node never printed " + prefix + " (it printed " + skipped
                            + "); its log:\n" + Files.readString(log));
                }
                if (line.startsWith(prefix)) {
                    return line;
                }
                skipped.add(line);
            }
        }

        /** {@code kill} (SIGTERM): the process stops gracefully; waits until it has. */
        int terminate() throws InterruptedException {
            // Through the handle: Process.destroy() would also close this side of the process's output.
            process.toHandle().destroy();
            return process.waitFor();
        }

        /**
         * {@code kill -STOP}: every thread of the process stands still — its heartbeat too — as in a long pause of
         * its machine; {@link #proceed} lets it go on where it was.
         */
        void pause() throws IOException, InterruptedException {
            signal("STOP");
        }

        /** {@code kill -CONT}, after {@link #pause}. */
        void proceed() throws IOException, InterruptedException {
            signal("CONT");
        }

        private void signal(String name) throws IOException, InterruptedException {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
            }
        }

        /** {@code kill -9}. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    /** @param order {@code submit}, {@code submit:<n>}, or null to only take work */
    Node start(String schema, String instanceId, String baseUrl, String order) throws IOException {
        schemas.add(DurableNode.dbosSchema(schema));
        return start(schema, instanceId, baseUrl, order, List.of());
    }

    /**
     * A node on another database server than the test PostgreSQL ({@code url}: a test's own cluster, removed with
     * its schemas), with more system properties ({@code -Dname=value}) for it.
     */
    Node startOn(String url, String schema, String instanceId, String baseUrl, String order, List<String> properties)
            throws IOException {
        List<String> all = new ArrayList<>(properties);
        all.add("-D" + DurableNode.URL + "=" + url);
        return start(schema, instanceId, baseUrl, order, all);
    }

    private Node start(String schema, String instanceId, String baseUrl, String order, List<String> properties)
            throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classPath = String.join(File.pathSeparator, System.getProperty("jdk.module.path", ""),
                System.getProperty("java.class.path", ""));
        // The quick JIT compiler and the serial collector: a node lives seconds, and on a busy CI machine every
        // core it does not spend compiling is one the other nodes and tests have.
        List<String> command = new ArrayList<>(List.of(java, "-cp", classPath, "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED",
                // Times in the node's log: what a failure message shows is a sequence of events between processes.
                "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS"));
        command.addAll(properties);
        command.addAll(List.of(DurableNode.class.getName(), schema, instanceId, baseUrl));
        if (order != null) {
            command.add(order);
        }
        Path log = Files.createTempFile("cadre-node-" + instanceId, ".log");
        Process p = new ProcessBuilder(command).redirectError(log.toFile()).start();
        Node node = new Node(p, log);
        started.add(node);
        return node;
    }

    /** Kills every node, then drops the DBOS schemas they used. */
    @Override
    public void close() {
        for (Node n : started) {
            n.process.destroyForcibly();
        }
        for (Node n : started) {
            try {
                n.process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        schemas.forEach(dev.cadre.jdbc.TestPostgres::dropSchema);
    }
}
