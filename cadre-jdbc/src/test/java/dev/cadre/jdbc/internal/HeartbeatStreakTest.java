package dev.cadre.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.jdbc.OwnHeartbeat;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A process's own heartbeat: steady while every beat succeeds in time; a failure or a late beat starts it anew. */
class HeartbeatStreakTest {

    private static final Duration INTERVAL = Duration.ofSeconds(2);
    private static final Duration STALE_AFTER = Duration.ofSeconds(10);

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final HeartbeatStreak streak = new HeartbeatStreak(HeartbeatStreak.maxGap(INTERVAL, STALE_AFTER),
            now::get);

    /** A beat that takes 10 ms, then the interval until the next one starts. */
    private boolean beat() {
        long started = now.get();
        now.addAndGet(Duration.ofMillis(10).toNanos());
        boolean goesOn = streak.succeeded(started);
        now.addAndGet(INTERVAL.toNanos());
        return goesOn;
    }

    private Duration steadyFor() {
        return streak.own().steadyFor(now.get());
    }

    @Test
    void the_gap_allowed_is_halfway_between_the_interval_and_the_staleness_limit() {
        assertThat(HeartbeatStreak.maxGap(INTERVAL, STALE_AFTER)).isEqualTo(Duration.ofSeconds(6));
        assertThat(HeartbeatStreak.maxGap(Duration.ZERO, STALE_AFTER)).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void steady_beats_make_a_stretch_that_starts_with_the_first() {
        assertThat(streak.own().steadyAt(now.get())).as("before any beat").isFalse();
        long firstEnd = now.get() + Duration.ofMillis(10).toNanos();
        for (int i = 0; i < 6; i++) {
            assertThat(beat()).isTrue();
        }
        assertThat(streak.own().steadySince()).isEqualTo(firstEnd);
        assertThat(steadyFor()).isGreaterThanOrEqualTo(STALE_AFTER);
    }

    @Test
    void a_failed_beat_ends_the_stretch_and_the_next_success_starts_a_new_one() {
        for (int i = 0; i < 6; i++) {
            beat();
        }
        streak.failed();
        assertThat(steadyFor()).isEqualTo(Duration.ZERO);
        assertThat(streak.own().steadyAt(now.get())).isFalse();
        now.addAndGet(Duration.ofSeconds(30).toNanos()); // the database is down
        assertThat(beat()).as("after a failure").isFalse();
        assertThat(steadyFor()).isEqualTo(INTERVAL);
        assertThat(beat()).isTrue();
    }

    @Test
    void a_beat_that_comes_too_late_starts_a_new_stretch_though_none_failed() {
        for (int i = 0; i < 6; i++) {
            beat();
        }
        // The process stood still (a pause of the machine, a connection stuck): no beat failed, none came.
        now.addAndGet(Duration.ofSeconds(20).toNanos());
        assertThat(streak.own().steadyAt(now.get())).as("while the next beat is overdue").isFalse();
        assertThat(beat()).as("the late beat").isFalse();
        assertThat(steadyFor()).isEqualTo(INTERVAL);
    }

    @Test
    void a_beat_a_little_late_keeps_the_stretch() {
        beat();
        OwnHeartbeat before = streak.own();
        now.addAndGet(Duration.ofSeconds(3).toNanos()); // a busy machine: 5 s between two beats, under the 6 s allowed
        assertThat(beat()).isTrue();
        assertThat(streak.own().steadySince()).isEqualTo(before.steadySince());
    }
}
