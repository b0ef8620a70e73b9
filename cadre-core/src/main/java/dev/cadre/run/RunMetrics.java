package dev.cadre.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.cadre.model.Usage;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a run cost and how long it took. Token counts add up every model call of the run (for a
 * team run, the leader's calls; each member run has its own metrics). As in Agno's JSON, zero counts
 * and empty details are left out.
 *
 * @param timeToFirstToken from the start of the run to the first token received (for a non-streamed
 *     call, to its whole answer)
 * @param duration from the start of the run to its end; empty while it runs
 * @param details the same counts per model, under the model's role: {@code "model"} for the model of
 *     the agent or team (Agno's {@code details}; Cadre's runs use no other model)
 */
@JsonInclude(JsonInclude.Include.NON_DEFAULT)
@JsonPropertyOrder({"input_tokens", "output_tokens", "total_tokens", "cache_read_tokens", "cache_write_tokens",
        "reasoning_tokens", "time_to_first_token", "duration", "details"})
public record RunMetrics(
        long inputTokens,
        long outputTokens,
        long totalTokens,
        long cacheReadTokens,
        long reasoningTokens,
        Optional<Duration> timeToFirstToken,
        Optional<Duration> duration,
        long cacheWriteTokens,
        Map<String, List<ModelMetrics>> details) {

    /** The role of the agent's or team's own model in {@link #details()}. */
    public static final String MODEL = "model";

    public static final RunMetrics EMPTY = new RunMetrics(0, 0, 0, 0, 0, Optional.empty(), Optional.empty());

    public RunMetrics {
        timeToFirstToken = timeToFirstToken == null ? Optional.empty() : timeToFirstToken;
        duration = duration == null ? Optional.empty() : duration;
        details = copy(details);
    }

    /** Metrics without cache writes or per-model details, as runs stored before they existed read. */
    public RunMetrics(long inputTokens, long outputTokens, long totalTokens, long cacheReadTokens,
            long reasoningTokens, Optional<Duration> timeToFirstToken, Optional<Duration> duration) {
        this(inputTokens, outputTokens, totalTokens, cacheReadTokens, reasoningTokens, timeToFirstToken, duration, 0,
                Map.of());
    }

    public static RunMetrics of(Usage usage, Optional<Duration> timeToFirstToken, Optional<Duration> duration) {
        return of(usage, timeToFirstToken, duration, List.of());
    }

    /** Totals of {@code usage} with the model's own counts in {@code models} (one per model used). */
    public static RunMetrics of(Usage usage, Optional<Duration> timeToFirstToken, Optional<Duration> duration,
            List<ModelMetrics> models) {
        return new RunMetrics(usage.inputTokens(), usage.outputTokens(), usage.totalTokens(),
                usage.cacheReadTokens(), usage.reasoningTokens(), timeToFirstToken, duration,
                usage.cacheWriteTokens(), models.isEmpty() ? Map.of() : Map.of(MODEL, models));
    }

    private static Map<String, List<ModelMetrics>> copy(Map<String, List<ModelMetrics>> details) {
        if (details == null || details.isEmpty()) {
            return Map.of();
        }
        Map<String, List<ModelMetrics>> out = new LinkedHashMap<>();
        details.forEach((role, models) -> out.put(role, List.copyOf(models)));
        return Collections.unmodifiableMap(out);
    }
}
