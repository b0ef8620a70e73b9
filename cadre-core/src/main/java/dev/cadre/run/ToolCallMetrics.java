package dev.cadre.run;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import dev.cadre.json.CadreJson;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How long a finished tool call took. In JSON, as in Agno, the times are epoch seconds with their
 * fraction (not whole seconds like other times) and the duration is seconds.
 */
public record ToolCallMetrics(
        @JsonSerialize(using = CadreJson.PreciseEpochSeconds.class) Instant startTime,
        @JsonSerialize(using = CadreJson.PreciseEpochSeconds.class) Instant endTime,
        Duration duration) {

    public ToolCallMetrics {
        Objects.requireNonNull(startTime, "startTime");
        Objects.requireNonNull(endTime, "endTime");
        Objects.requireNonNull(duration, "duration");
    }

    /** A call that started at {@code start} and ended now, timed by the monotonic clock from {@code startNanos}. */
    public static ToolCallMetrics since(Instant start, long startNanos) {
        Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
        return new ToolCallMetrics(start, start.plus(took), took);
    }
}
