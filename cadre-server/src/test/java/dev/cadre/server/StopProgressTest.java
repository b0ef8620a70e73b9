package dev.cadre.server;

import static dev.cadre.server.Http.form;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.run.RunStatus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** {@link CadreServer#stop(Duration, java.util.function.Consumer)}: what a stopping server says it does. */
class StopProgressTest {

    @Test
    void anIdleServerSaysItHasNoRunsInProgress() {
        List<String> lines = new CopyOnWriteArrayList<>();
        try (TestBed bed = new TestBed()) {
            bed.http.postForm("/agents/echo/runs", form("message", "done before the stop", "stream", "false"));

            bed.server.stop(Duration.ZERO, lines::add);
        }
        assertThat(lines).containsExactly("no runs in progress");
    }

    @Test
    void aStopSaysHowManyRunsItWaitsForAndHowTheyEnded() {
        List<String> lines = new CopyOnWriteArrayList<>();
        try (TestBed bed = new TestBed()) {
            bed.http.postForm("/agents/echo/runs", form("message", "done before the stop", "stream", "false"));
            String stuck = bed.http.postForm("/agents/echo/runs",
                    form("message", "[stall] never answered", "stream", "false", "background", "true"))
                    .json().get("run_id").asText();
            String delegating = bed.http.postForm("/teams/crew/runs",
                    form("message", "[delegate] a member that stalls", "stream", "false", "background", "true"))
                    .json().get("run_id").asText();
            bed.awaitModelCall("[stall] never answered");
            bed.awaitModelCall("[stall] write it"); // the member's request: the team run and its member are going

            bed.server.stop(Duration.ZERO, lines::add);

            assertThat(bed.store.getRun(stuck).orElseThrow().status()).isEqualTo(RunStatus.CANCELLED);
            assertThat(bed.store.getRun(delegating).orElseThrow().status()).isEqualTo(RunStatus.CANCELLED);
        }
        // The team's member run is part of the team's run: two runs, not three.
        assertThat(lines).containsExactly("waiting up to 0 s for 2 runs…", "0 finished, 2 cancelled");
    }
}
