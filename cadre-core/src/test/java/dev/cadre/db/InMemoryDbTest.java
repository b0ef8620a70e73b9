package dev.cadre.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.run.RunMetrics;
import dev.cadre.run.RunOutput;
import dev.cadre.run.RunResult.RunInput;
import dev.cadre.run.RunStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The in-memory store's own checks; the contract shared with the database stores runs in cadre-jdbc. */
class InMemoryDbTest {

    private static RunOutput run(String id, RunStatus status) {
        return new RunOutput(id, "a", "A", "s", Optional.empty(), Optional.empty(), new RunInput("x"), "", status,
                Optional.empty(), List.of(), List.of(), RunMetrics.EMPTY, Optional.empty(), Optional.empty(),
                Instant.now(), List.of());
    }

    @Test
    void aTerminalStatusIsNeverOverwritten() {
        InMemoryDb store = new InMemoryDb();
        Instant now = Instant.now();
        store.saveSession(new SessionRecord("s", SessionType.AGENT, "a", Optional.empty(), Optional.empty(), now, now));
        store.insertRun(run("r", RunStatus.RUNNING), "me");

        assertThat(store.finishRun(run("r", RunStatus.CANCELLED))).isTrue();
        assertThat(store.finishRun(run("r", RunStatus.COMPLETED))).isFalse();
        assertThat(store.updateRun(run("r", RunStatus.RUNNING))).isFalse();
        assertThat(store.getRun("r")).get().extracting(r -> r.status()).isEqualTo(RunStatus.CANCELLED);
    }

    @Test
    void runsNeedTheirSessionAndUniqueIds() {
        InMemoryDb store = new InMemoryDb();
        assertThatThrownBy(() -> store.insertRun(run("r", RunStatus.RUNNING), "me"))
                .isInstanceOf(DbException.class).hasMessageContaining("save the session before its runs");
        Instant now = Instant.now();
        store.saveSession(new SessionRecord("s", SessionType.AGENT, "a", Optional.empty(), Optional.empty(), now, now));
        store.insertRun(run("r", RunStatus.RUNNING), "me");
        assertThatThrownBy(() -> store.insertRun(run("r", RunStatus.RUNNING), "me"))
                .isInstanceOf(DbException.class).hasMessageContaining("exists already");
    }

    @Test
    void orphanedRunsOfDeadProcessesEndAsError() {
        InMemoryDb store = new InMemoryDb();
        Instant now = Instant.now();
        store.saveSession(new SessionRecord("s", SessionType.AGENT, "a", Optional.empty(), Optional.empty(), now, now));
        store.insertRun(run("mine", RunStatus.RUNNING), "alive");
        store.insertRun(run("theirs", RunStatus.RUNNING), "dead");
        store.heartbeat("alive");

        assertThat(store.failOrphanedRuns(Duration.ofMinutes(1), "the process running this run stopped"))
                .containsExactly("theirs");
        assertThat(store.getRun("theirs")).get().satisfies(r -> {
            assertThat(r.status()).isEqualTo(RunStatus.ERROR);
            assertThat(r.error()).get().extracting(e -> e.message()).isEqualTo("the process running this run stopped");
        });
        assertThat(store.getRun("mine")).get().extracting(r -> r.status()).isEqualTo(RunStatus.RUNNING);
    }
}
