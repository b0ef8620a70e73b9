package dev.cadre.jdbc;

import static dev.cadre.jdbc.Runs.T0;
import static dev.cadre.jdbc.Runs.finished;
import static dev.cadre.jdbc.Runs.teamRun;
import static dev.cadre.jdbc.Runs.teamSession;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.run.RunFailure;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.run.TeamRunOutput;
import dev.cadre.db.DbException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What the database stores promise beyond the {@link DbContract}: data outlives the process, and
 * runs left behind by a process that stopped are ended, never left running. Subclasses open stores
 * on one and the same database, as if from successive or parallel processes.
 */
abstract class JdbcDbContract {

    /** Opens a store on this test's database, as the process {@code instanceId}. */
    protected abstract JdbcDb open(Clock clock, String instanceId, Duration heartbeatInterval, Duration staleAfter);

    private JdbcDb open(Clock clock, String instanceId) {
        return open(clock, instanceId, Duration.ZERO, Duration.ofSeconds(30));
    }

    @Test
    void runs_outlive_the_store_that_wrote_them() {
        MutableClock clock = new MutableClock(T0);
        TeamRunOutput run = teamRun("r1", "s1", RunStatus.RUNNING);
        RunResult done = finished(run, RunStatus.COMPLETED, "the answer");
        try (JdbcDb first = open(clock, "process-1")) {
            first.saveSession(teamSession("s1", T0));
            first.insertRun(run, "process-1");
            first.finishRun(done);
        }

        try (JdbcDb second = open(clock, "process-2")) {
            assertThat(second.getRun("r1")).contains(done);
            assertThat(second.getSession("s1")).isPresent();
        }
    }

    @Test
    void opening_ends_the_runs_of_a_process_that_stopped_and_leaves_live_processes_alone() {
        MutableClock clock = new MutableClock(T0);
        try (JdbcDb crashed = open(clock, "crashed-process")) {
            crashed.saveSession(teamSession("s1", T0));
            crashed.insertRun(teamRun("stranded", "s1", RunStatus.RUNNING), "crashed-process");
            crashed.insertRun(teamRun("stranded-pending", "s1", RunStatus.PENDING), "crashed-process");
            // the process dies here: its runs are never finished
        }
        clock.advance(Duration.ofMinutes(1));
        try (JdbcDb live = open(clock, "live-process")) {
            live.insertRun(teamRun("still-running", "s1", RunStatus.RUNNING), "live-process");

            clock.advance(Duration.ofSeconds(10));
            try (JdbcDb restarted = open(clock, "restarted-process")) {
                assertOrphaned(restarted.getRun("stranded"));
                assertOrphaned(restarted.getRun("stranded-pending"));
                assertThat(restarted.getRun("still-running").map(RunResult::status)).contains(RunStatus.RUNNING);
            }
        }
    }

    @Test
    void an_open_store_keeps_ending_orphans_and_keeps_its_own_runs_alive() {
        // Stale after 2 s: generous, so that a busy machine delaying a heartbeat cannot sweep this process's run.
        try (JdbcDb db = open(Clock.systemUTC(), "this-process", Duration.ofMillis(100), Duration.ofSeconds(2))) {
            db.saveSession(teamSession("s1", T0));
            db.insertRun(teamRun("mine", "s1", RunStatus.RUNNING), "this-process");
            db.insertRun(teamRun("ghosts", "s1", RunStatus.RUNNING), "ghost-process");

            Eventually.await("the ghost's run is ended", Duration.ofSeconds(10),
                    () -> db.getRun("ghosts").orElseThrow().status() == RunStatus.ERROR);
            assertOrphaned(db.getRun("ghosts"));
            // 'mine' was swept in the same rounds as the ghost's (an owner that never beat is stale at once), and survived.
            assertThat(db.getRun("mine").map(RunResult::status)).contains(RunStatus.RUNNING);
        }
    }

    @Test
    void a_closed_store_says_so() {
        JdbcDb db = open(new MutableClock(T0), "p");
        db.close();
        db.close(); // idempotent

        assertThatThrownBy(() -> db.getRun("r1")).isInstanceOf(DbException.class).hasMessageContaining("closed");
    }

    @Test
    void a_store_sees_the_runs_another_store_writes_at_the_same_time() {
        MutableClock clock = new MutableClock(T0);
        try (JdbcDb api = open(clock, "api-process"); JdbcDb worker = open(clock, "worker-process")) {
            worker.saveSession(teamSession("s1", T0));
            TeamRunOutput run = teamRun("bg", "s1", RunStatus.PENDING);
            worker.insertRun(run, "worker-process");

            assertThat(api.getRun("bg").map(RunResult::status)).contains(RunStatus.PENDING);
            assertThat(api.finishRun(finished(run, RunStatus.CANCELLED, ""))).isTrue();
            assertThat(worker.finishRun(finished(run, RunStatus.COMPLETED, "done"))).isFalse();
            assertThat(worker.getRun("bg").map(RunResult::status)).contains(RunStatus.CANCELLED);
        }
    }

    private static void assertOrphaned(Optional<RunResult> run) {
        assertThat(run).isPresent();
        assertThat(run.get().status()).isEqualTo(RunStatus.ERROR);
        assertThat(run.get().error()).contains(new RunFailure("orphaned_run", JdbcDb.ORPHAN_REASON));
    }
}
