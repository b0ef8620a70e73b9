package dev.cadre.server.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cadre.db.RunQuery;
import dev.cadre.db.RunSummary;
import dev.cadre.run.RunStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The runs dashboard's chart: runs started per minute over the last hour, by status, and the p50/p95 duration of
 * those that ended. Read as summaries ({@code Db.recentRunSummaries}: status, start and duration, one query), at
 * most {@value #MAX_RUNS} runs (a busier hour is counted from its newest runs, and says so with {@code truncated}).
 */
final class DashboardStats {

    static final int MAX_RUNS = 10_000;
    private static final int MINUTES = 60;

    private DashboardStats() {
    }

    /** Where the figures come from: {@code Db::recentRunSummaries}, or nothing for a caller who may see none. */
    @FunctionalInterface
    interface Summaries {
        List<RunSummary> read(RunQuery filter, Instant since, int limit);
    }

    /** The figures for runs matching {@code filter} (its page ignored) that started in the hour before {@code now}. */
    static ObjectNode lastHour(Summaries runs, RunQuery filter, Instant now) {
        Instant end = now.truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
        Instant start = end.minus(Duration.ofMinutes(MINUTES));
        List<Map<RunStatus, Integer>> perMinute = new ArrayList<>();
        for (int i = 0; i < MINUTES; i++) {
            perMinute.add(new EnumMap<>(RunStatus.class));
        }
        List<Long> durations = new ArrayList<>();
        // One more than counted: whether the hour had more runs than that.
        List<RunSummary> read = runs.read(filter, start, MAX_RUNS + 1);
        boolean truncated = read.size() > MAX_RUNS;
        int seen = Math.min(read.size(), MAX_RUNS);
        for (RunSummary r : read.subList(0, seen)) {
            int minute = (int) Duration.between(start, r.createdAt()).toMinutes();
            if (minute >= 0 && minute < MINUTES) {
                perMinute.get(minute).merge(r.status(), 1, Integer::sum);
            }
            if (r.status().isTerminal()) {
                r.duration().ifPresent(d -> durations.add(d.toMillis()));
            }
        }
        ObjectNode n = Views.obj();
        n.put("start", start.toEpochMilli());
        n.put("minutes", MINUTES);
        n.put("total", seen);
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
