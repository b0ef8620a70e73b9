package dev.cadre.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.cadre.model.Usage;
import java.time.Duration;
import java.util.Optional;

/**
 * What a run cost and how long it took. Token counts add up every model call of the run (for a
 * team run, the leader's calls; each member run has its own metrics).
 *
 * @param timeToFirstToken from the start of the run to the first streamed token
 * @param duration from the start of the run to its end; empty while it runs
 */
@JsonInclude(JsonInclude.Include.NON_DEFAULT)
public record RunMetrics(
        long inputTokens,
        long outputTokens,
        long totalTokens,
        long cacheReadTokens,
        long reasoningTokens,
        Optional<Duration> timeToFirstToken,
        Optional<Duration> duration) {

    public static final RunMetrics EMPTY = new RunMetrics(0, 0, 0, 0, 0, Optional.empty(), Optional.empty());

    public RunMetrics {
        timeToFirstToken = timeToFirstToken == null ? Optional.empty() : timeToFirstToken;
        duration = duration == null ? Optional.empty() : duration;
    }

    public static RunMetrics of(Usage usage, Optional<Duration> timeToFirstToken, Optional<Duration> duration) {
        return new RunMetrics(usage.inputTokens(), usage.outputTokens(), usage.totalTokens(),
                usage.cacheReadTokens(), usage.reasoningTokens(), timeToFirstToken, duration);
    }
}
