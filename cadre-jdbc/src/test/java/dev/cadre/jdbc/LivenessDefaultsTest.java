package dev.cadre.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store that does not sweep orphans is one of durable execution: a dead process's runs are resumed within
 * {@code staleAfter} plus the executor's recovery interval (5 s), so its liveness defaults are shorter.
 */
class LivenessDefaultsTest {

    @TempDir
    Path dir;

    @Test
    void a_store_that_sweeps_counts_a_process_dead_after_30_s() {
        try (SqliteDb db = SqliteDb.builder().file(dir.resolve("a.db")).build()) {
            assertThat(db.staleAfter()).isEqualTo(Duration.ofSeconds(30));
        }
    }

    @Test
    void a_durable_store_counts_a_process_dead_after_10_s_so_its_runs_resume_within_15_s() {
        try (SqliteDb db = SqliteDb.builder().file(dir.resolve("b.db")).sweepOrphans(false).build()) {
            assertThat(db.staleAfter()).isEqualTo(Duration.ofSeconds(10));
            assertThat(db.staleAfter().plusSeconds(5)).isLessThanOrEqualTo(Duration.ofSeconds(15));
            assertThat(db.ownHeartbeat().maxGap()).as("a beat every 2 s").isEqualTo(Duration.ofSeconds(6));
        }
    }

    @Test
    void settings_given_explicitly_are_kept() {
        try (SqliteDb db = SqliteDb.builder().file(dir.resolve("c.db")).sweepOrphans(false)
                .staleAfter(Duration.ofSeconds(40)).heartbeatInterval(Duration.ofSeconds(10)).build()) {
            assertThat(db.staleAfter()).isEqualTo(Duration.ofSeconds(40));
            assertThat(db.ownHeartbeat().maxGap()).isEqualTo(Duration.ofSeconds(25));
        }
    }

    @Test
    void a_store_just_opened_has_a_steady_heartbeat_from_its_first_beat() {
        try (SqliteDb db = SqliteDb.builder().file(dir.resolve("d.db")).build()) {
            OwnHeartbeat own = db.ownHeartbeat();
            assertThat(own.steadyAt(System.nanoTime())).isTrue();
            assertThat(own.steadySince() - own.lastBeatStarted()).isNotNegative();
        }
    }
}
