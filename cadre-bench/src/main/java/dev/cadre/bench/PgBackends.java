package dev.cadre.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The CPU time PostgreSQL spends for some processes of this machine (Linux): the server backends serving their
 * connections, found by the processes' sockets to the server ({@code /proc/<pid>/fd} and {@code /proc/net/tcp*})
 * matched with {@code pg_stat_activity.client_port}. Other clients of the same server — other programs' tests on a
 * shared one — are not counted. When the server is not on this machine, or /proc cannot be read, it counts 0.
 */
final class PgBackends {

    private PgBackends() {
    }

    /** CPU time so far (ns) of each backend serving one of {@code pids}, by backend pid. */
    static Map<Long, Long> cpu(List<Long> pids) {
        Map<Long, Long> out = new HashMap<>();
        try (Connection c = DriverManager.getConnection(Databases.postgresUrl());
                PreparedStatement ps = c.prepareStatement(
                        "SELECT pid FROM pg_stat_activity WHERE client_port = ANY(?)")) {
            int server;
            try (ResultSet rs = c.createStatement().executeQuery("SELECT inet_server_port()")) {
                rs.next();
                server = rs.getInt(1);
            }
            Set<Integer> ports = new HashSet<>();
            for (long pid : pids) {
                ports.addAll(clientPorts(pid, server));
            }
            if (server == 0 || ports.isEmpty()) {
                return out; // a Unix socket, or no connection found
            }
            ps.setArray(1, c.createArrayOf("integer", ports.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long backend = rs.getLong(1);
                    out.put(backend, ProcessHandle.of(backend).flatMap(h -> h.info().totalCpuDuration())
                            .map(java.time.Duration::toNanos).orElse(0L));
                }
            }
        } catch (SQLException e) {
            return Map.of();
        }
        return out;
    }

    /** The CPU (ns) the backends used between two {@link #cpu} readings; a backend opened meanwhile counts whole. */
    static long used(Map<Long, Long> before, Map<Long, Long> after) {
        long sum = 0;
        for (var e : after.entrySet()) {
            sum += Math.max(0, e.getValue() - before.getOrDefault(e.getKey(), 0L));
        }
        return sum;
    }

    /** Waits until the backends have ended (their clients gone), or {@code timeout} has passed. */
    static void awaitGone(List<Long> backends, java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (long pid : backends) {
            while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }
    }

    /** The local ports of the process's TCP connections to {@code serverPort} (IPv4 and IPv6). */
    private static Set<Integer> clientPorts(long pid, int serverPort) {
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            fds.forEach(fd -> {
                try {
                    String link = Files.readSymbolicLink(fd).toString();
                    if (link.startsWith("socket:[")) {
                        inodes.add(link.substring(8, link.length() - 1));
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            });
        } catch (IOException e) {
            return Set.of();
        }
        Set<Integer> ports = new HashSet<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                for (String line : Files.readAllLines(Path.of(table))) {
                    String[] f = line.trim().split("\\s+");
                    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                    if (f.length > 9 && inodes.contains(f[9]) && port(f[2]) == serverPort) {
                        ports.add(port(f[1]));
                    }
                }
            } catch (IOException | RuntimeException e) {
                // no such table here
            }
        }
        return ports;
    }

    /** The port of an address of /proc/net/tcp ({@code 0100007F:1538}: hex). */
    private static int port(String address) {
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1), 16);
    }
}
