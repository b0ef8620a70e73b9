package dev.cadre.durable.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.jdbc.OwnHeartbeat;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link Standing}: when this process may take another for dead, from its own heartbeat at that moment. */
class StandingTest {

    private static final Duration STALE = Duration.ofSeconds(8);
    private static final Duration GAP = Duration.ofSeconds(4);
    private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");
    private static final long NANOS = 1_000_000_000_000L;

    /** A heartbeat steady for {@code steady}, its last beat just now. */
    private static OwnHeartbeat steadyFor(Duration steady) {
        return new OwnHeartbeat(NANOS - steady.toNanos(), NANOS - 100_000_000L, GAP);
    }

    private static Optional<Standing> standing(OwnHeartbeat own) {
        return Standing.of(own, NANOS, NOW, STALE);
    }

    @Test
    void aProcessWhoseOwnHeartbeatFailedJudgesNobody() {
        OwnHeartbeat failed = new OwnHeartbeat(Long.MIN_VALUE, NANOS - 100_000_000L, GAP);

        assertThat(standing(failed)).isEmpty();
    }

    @Test
    void aProcessBackFromAnOutageForLessThanStaleAfterJudgesNobody() {
        assertThat(standing(steadyFor(Duration.ofSeconds(5)))).isEmpty();
    }

    @Test
    void aHeartbeatSteadyBeforeAnOutageIsNotSteadyAfterIt() {
        // Read before a call that waited through an outage: steady for long. Read after it: the stretch ended.
        OwnHeartbeat before = steadyFor(Duration.ofMinutes(5));
        OwnHeartbeat after = steadyFor(Duration.ofSeconds(3));

        assertThat(standing(before)).isPresent();
        assertThat(standing(after)).as("what the judgement must rest on").isEmpty();
    }

    @Test
    void backForStaleAfterItJudgesOnlyTheProcessesThatBeatSinceAndWentStaleAgain() {
        Standing s = standing(steadyFor(Duration.ofSeconds(10))).orElseThrow();

        assertThat(s.judgeAll()).isFalse();
        assertThat(s.takesForDead(Optional.of(NOW.minusSeconds(2)))).as("beat 2 s ago: alive").isFalse();
        assertThat(s.takesForDead(Optional.of(NOW.minusSeconds(9)))).as("beat since, then stale: dead").isTrue();
        assertThat(s.takesForDead(Optional.of(NOW.minusSeconds(30)))).as("not beaten since: maybe on its way back")
                .isFalse();
        assertThat(s.takesForDead(Optional.empty())).as("never beaten: maybe on its way").isFalse();
    }

    @Test
    void steadyForTwiceStaleAfterItJudgesEveryStaleProcess() {
        Standing s = standing(steadyFor(Duration.ofSeconds(20))).orElseThrow();

        assertThat(s.judgeAll()).isTrue();
        assertThat(s.takesForDead(Optional.of(NOW.minusSeconds(30)))).isTrue();
        assertThat(s.takesForDead(Optional.empty())).isTrue();
        assertThat(s.takesForDead(Optional.of(NOW.minusSeconds(7)))).isFalse();
        assertThat(s.cutoff()).isEqualTo(NOW.minus(STALE));
    }
}
