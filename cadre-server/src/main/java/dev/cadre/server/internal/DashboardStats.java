package dev.cadre.server.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cadre.db.Page;
import dev.cadre.db.RunQuery;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The runs dashboard's chart: runs started per minute over the last hour, by status, and the p50/p95 duration of
 * those that ended. Read from {@code Db.listRecentRuns} newest first until the hour is behind, at most
 * {@value #MAX_RUNS} runs (a busier hour is counted from its newest runs, and says so with {@code truncated}).
 */
final class DashboardStats {

    static final int MAX_RUNS = 10_000;
    private static final int MINUTES = 60;
    private static final int PAGE = 1000;

    private DashboardStats() {
    }

    /** The figures for runs matching {@code filter} (its page ignored) that started in the hour before {@code now}. */
    static ObjectNode lastHour(Function<RunQuery, Page<RunResult>> runs, RunQuery filter, Instant now) {
        Instant end = now.truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
        Instant start = end.minus(Duration.ofMinutes(MINUTES));
        List<Map<RunStatus, Integer>> perMinute = new ArrayList<>();
        for (int i = 0; i < MINUTES; i++) {
            perMinute.add(new EnumMap<>(RunStatus.class));
        }
        List<Long> durations = new ArrayList<>();
        int seen = 0;
        boolean truncated = false;
        reading:
        for (int page = 1; ; page++) {
            Page<RunResult> read = runs.apply(filter.withPage(page, PAGE));
            for (RunResult r : read.items()) {
                if (r.createdAt().isBefore(start)) {
                    break reading;
                }
                if (++seen > MAX_RUNS) {
                    truncated = true;
                    break reading;
                }
                int minute = (int) Duration.between(start, r.createdAt()).toMinutes();
                if (minute >= 0 && minute < MINUTES) {
                    perMinute.get(minute).merge(r.status(), 1, Integer::sum);
                }
                if (r.status().isTerminal()) {
                    r.metrics().duration().ifPresent(d -> durations.add(d.toMillis()));
                }
            }
            if (page >= read.totalPages()) {
                break;
            }
        }
        ObjectNode n = Views.obj();
        n.put("start", start.toEpochMilli());
        n.put("minutes", MINUTES);
        n.put("total", Math.min(seen, MAX_RUNS));
        n.put("truncated", truncated);
        ArrayNode buckets = n.putArray("per_minute");
        for (Map<RunStatus, Integer> m : perMinute) {
            ObjectNode b = buckets.addObject();
            m.forEach((status, count) -> b.put(status.name(), count));
        }
        durations.sort(null);
        putPercentile(n, "p50_ms", durations, 50);
        putPercentile(n, "p95_ms", durations, 95);
        return n;
    }

    /** Nearest-rank percentile; {@code null} without ended runs. */
    private static void putPercentile(ObjectNode n, String field, List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            n.putNull(field);
            return;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        n.put(field, sorted.get(Math.max(0, rank - 1)));
    }
}
