package dev.cadre.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** What the numbers were measured on, read from the JVM and /proc so that every report carries it. */
final class Machine {

    private Machine() {
    }

    static Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("cpu", firstLine("/proc/cpuinfo", "model name").orElse(System.getProperty("os.arch")));
        m.put("cores", String.valueOf(Runtime.getRuntime().availableProcessors()));
        m.put("memory", firstLine("/proc/meminfo", "MemTotal").map(Machine::kbToGib).orElse("?"));
        m.put("os", firstLine("/etc/os-release", "PRETTY_NAME").map(v -> v.replace("\"", ""))
                .orElse(System.getProperty("os.name")) + ", kernel " + System.getProperty("os.version"));
        m.put("jdk", System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.name") + " "
                + System.getProperty("java.runtime.version"));
        m.put("gc", ManagementFactory.getGarbageCollectorMXBeans().stream().map(b -> b.getName())
                .collect(Collectors.joining(", ")));
        m.put("heap of each benchmark JVM", "-Xms" + Bench.HEAP + " -Xmx" + Bench.HEAP + " (JMH forks: -Xms1g -Xmx1g;"
                + " the ramp: -Xms64m, so that its RSS follows what the runs use)");
        m.put("open files limit", firstLine("/proc/self/limits", "Max open files").map(v -> v.split("\\s+")[0])
                .orElse("?"));
        return m;
    }

    /** Resident set size of this process in bytes (Linux), or -1. */
    static long rssBytes() {
        return firstLine("/proc/self/status", "VmRSS").map(v -> Long.parseLong(v.replaceAll("[^0-9]", "")) * 1024)
                .orElse(-1L);
    }

    /** Open file descriptors of this process (Linux), or -1. */
    static long openFiles() {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Heap in use after the collector has settled: several full collections until it stops shrinking. */
    static long settledHeapBytes() {
        Runtime rt = Runtime.getRuntime();
        long last = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            System.gc();
            long used = rt.totalMemory() - rt.freeMemory();
            if (used >= last - 64 * 1024) {
                return Math.min(used, last);
            }
            last = used;
        }
        return last;
    }

    private static java.util.Optional<String> firstLine(String file, String key) {
        try {
            List<String> lines = Files.readAllLines(Path.of(file));
            return lines.stream().filter(l -> l.startsWith(key)).findFirst()
                    .map(l -> l.substring(key.length()).replaceFirst("^\\s*[:=]\\s*", "").trim());
        } catch (IOException | RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    private static String kbToGib(String v) {
        long kb = Long.parseLong(v.replaceAll("[^0-9]", ""));
        return String.format("%.1f GiB", kb / 1024.0 / 1024.0);
    }
}
